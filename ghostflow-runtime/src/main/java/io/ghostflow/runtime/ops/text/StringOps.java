package io.ghostflow.runtime.ops.text;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.ops.math.BroadcastPlan;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** StringNormalizer, StringConcat, RegexFullMatch (java.util.regex) and StringSplit. */
public final class StringOps {
    private StringOps() {
    }

    public static void register(OpRegistry r) {
        r.register("StringConcat", 20, (node, cfg) -> (ctx, in) -> {
            Tensor a = (Tensor) in[0];
            Tensor b = (Tensor) in[1];
            BroadcastPlan p = BroadcastPlan.broadcast(a.shape(), b.shape());
            int[] ia = p.index(0);
            int[] ib = p.index(1);
            String[] out = new String[p.size];
            for (int i = 0; i < out.length; i++) {
                out[i] = a.strings()[ia[i]] + b.strings()[ib[i]];
            }
            return new Value[] {Tensor.ofStrings(out, p.outShape)};
        });
        r.register("RegexFullMatch", 20, (node, cfg) -> {
            String pat = node.getString("pattern", "");
            Pattern p;
            try {
                p = Pattern.compile(pat);
            } catch (PatternSyntaxException e) {
                throw new GhostFlowException(ErrorCode.INVALID_GRAPH, node.label() + ": bad 'pattern': " + e.getMessage());
            }
            return (ctx, in) -> {
                Tensor x = (Tensor) in[0];
                String[] s = x.strings();
                byte[] out = new byte[s.length];
                for (int i = 0; i < s.length; i++) {
                    out[i] = (byte) (p.matcher(s[i]).matches() ? 1 : 0);
                }
                return new Value[] {Tensor.ofArray(DType.BOOL, out, x.shape())};
            };
        });
        r.register("StringSplit", 20, (node, cfg) -> {
            String delim = node.getString("delimiter", "");
            long maxsplit = node.getInt("maxsplit", -1);
            return (ctx, in) -> split((Tensor) in[0], delim, maxsplit);
        });
        r.register("StringNormalizer", 10, (node, cfg) -> {
            String action = node.getString("case_change_action", "NONE");
            boolean caseSensitive = node.getInt("is_case_sensitive", 0) != 0;
            String loc = node.getString("locale", "en_US");
            Locale locale = Locale.forLanguageTag(loc.replace('_', '-'));
            List<String> stop = node.getStrings("stopwords", List.of());
            Set<String> stops = new HashSet<>();
            for (String s : stop) {
                stops.add(caseSensitive ? s : s.toLowerCase(locale));
            }
            return (ctx, in) -> {
                Tensor x = (Tensor) in[0];
                List<String> kept = new ArrayList<>();
                for (String s : x.strings()) {
                    if (!stops.contains(caseSensitive ? s : s.toLowerCase(locale))) {
                        kept.add(switch (action) {
                            case "LOWER" -> s.toLowerCase(locale);
                            case "UPPER" -> s.toUpperCase(locale);
                            default -> s;
                        });
                    }
                }
                if (kept.isEmpty()) {
                    kept.add("");
                }
                int[] shape = x.rank() == 2 ? new int[] {1, kept.size()} : new int[] {kept.size()};
                return new Value[] {Tensor.ofStrings(kept.toArray(new String[0]), shape)};
            };
        });
    }

    /** Splits each string; Y is padded with "" to the longest split, Z holds the counts. */
    static Value[] split(Tensor x, String delim, long maxsplit) {
        String[] s = x.strings();
        List<List<String>> parts = new ArrayList<>();
        int width = 0;
        for (String str : s) {
            List<String> p = new ArrayList<>();
            if (delim.isEmpty()) {
                // runs of whitespace separate, leading/trailing whitespace ignored (Python str.split())
                String rest = str.stripLeading();
                while (!rest.isEmpty()) {
                    if (maxsplit >= 0 && p.size() == maxsplit) {
                        p.add(rest.stripTrailing());
                        break;
                    }
                    int k = 0;
                    while (k < rest.length() && !Character.isWhitespace(rest.charAt(k))) {
                        k++;
                    }
                    p.add(rest.substring(0, k));
                    rest = rest.substring(k).stripLeading();
                }
            } else {
                int from = 0;
                while (true) {
                    int k = str.indexOf(delim, from);
                    if (k < 0 || (maxsplit >= 0 && p.size() == maxsplit)) {
                        p.add(str.substring(from));
                        break;
                    }
                    p.add(str.substring(from, k));
                    from = k + delim.length();
                }
            }
            parts.add(p);
            width = Math.max(width, p.size());
        }
        int[] shape = x.shape();
        int[] yShape = java.util.Arrays.copyOf(shape, shape.length + 1);
        yShape[shape.length] = width;
        String[] y = new String[s.length * width];
        long[] z = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            List<String> p = parts.get(i);
            z[i] = p.size();
            for (int j = 0; j < width; j++) {
                y[i * width + j] = j < p.size() ? p.get(j) : "";
            }
        }
        return new Value[] {Tensor.ofStrings(y, yShape), Tensor.ofLongs(z, shape)};
    }
}
