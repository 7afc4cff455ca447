package io.ghostflow.runtime.ops.linalg;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Einsum, general form: explicit or implicit output, repeated labels (diagonals, traces),
 * ellipsis with broadcasting. One pass over every combination of labels, summing into the
 * output; each operand is addressed through per-label strides (a repeated label sums its
 * strides, which walks the diagonal). Computes in double.
 */
final class Einsum {
    private Einsum() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        String eq = node.getString("equation", null);
        if (eq == null) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, node.label() + ": missing attribute 'equation'");
        }
        String equation = eq.replace(" ", "");
        return (ctx, in) -> {
            Tensor[] ts = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) {
                ts[i] = FloatIO.require(in[i], "Einsum input " + i);
            }
            return new Value[] {run(equation, ts)};
        };
    }

    static Tensor run(String equation, Tensor[] ts) {
        int arrow = equation.indexOf("->");
        String lhs = arrow < 0 ? equation : equation.substring(0, arrow);
        String[] terms = lhs.split(",", -1);
        if (terms.length != ts.length) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "Einsum '" + equation + "' names " + terms.length
                    + " operands, got " + ts.length);
        }
        // Ellipsis dims become labels 'A'+i (upper-case letters are rare in practice; they are kept distinct from the user's).
        int ellRank = 0;
        List<char[]> labels = new ArrayList<>();
        for (int t = 0; t < terms.length; t++) {
            String term = terms[t];
            int letters = term.replace("...", "").length();
            int ell = term.contains("...") ? ts[t].rank() - letters : 0;
            if (ell < 0 || (!term.contains("...") && letters != ts[t].rank())) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "Einsum term '" + term + "' does not fit operand of rank " + ts[t].rank());
            }
            ellRank = Math.max(ellRank, ell);
        }
        for (int t = 0; t < terms.length; t++) {
            String term = terms[t];
            int letters = term.replace("...", "").length();
            int ell = term.contains("...") ? ts[t].rank() - letters : 0;
            labels.add(expandEllipsis(term, ell, ellRank));
        }
        char[] out;
        if (arrow >= 0) {
            out = expandEllipsis(equation.substring(arrow + 2), ellRank, ellRank);
        } else {
            Map<Character, Integer> count = new LinkedHashMap<>();
            for (char[] l : labels) {
                for (char c : l) {
                    count.merge(c, 1, Integer::sum);
                }
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < ellRank; i++) {
                sb.append(ellLabel(ellRank, i));
            }
            TreeSet<Character> once = new TreeSet<>();
            count.forEach((c, n) -> {
                if (n == 1 && !isEll(c)) {
                    once.add(c);
                }
            });
            once.forEach(sb::append);
            out = sb.toString().toCharArray();
        }
        // Label sizes (size-1 dims broadcast).
        Map<Character, Integer> size = new LinkedHashMap<>();
        for (char c : out) {
            size.putIfAbsent(c, 1);
        }
        for (int t = 0; t < ts.length; t++) {
            char[] l = labels.get(t);
            int[] sh = ts[t].shape();
            for (int d = 0; d < l.length; d++) {
                int cur = size.getOrDefault(l[d], 1);
                if (cur != 1 && sh[d] != 1 && cur != sh[d]) {
                    throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "Einsum label '" + l[d] + "' has sizes " + cur + " and " + sh[d]);
                }
                size.put(l[d], Math.max(cur, sh[d]));
            }
        }
        List<Character> all = new ArrayList<>(size.keySet());
        // Output labels first, so the output index advances in row-major order.
        List<Character> order = new ArrayList<>();
        for (char c : out) {
            order.add(c);
        }
        for (char c : all) {
            if (!order.contains(c)) {
                order.add(c);
            }
        }
        int nl = order.size();
        int[] dims = new int[nl];
        for (int i = 0; i < nl; i++) {
            dims[i] = size.get(order.get(i));
        }
        int[][] strides = new int[ts.length][nl];
        for (int t = 0; t < ts.length; t++) {
            char[] l = labels.get(t);
            int[] sh = ts[t].shape();
            int[] st = Shapes.strides(sh);
            for (int d = 0; d < l.length; d++) {
                if (sh[d] != 1) {
                    strides[t][order.indexOf(l[d])] += st[d];
                }
            }
        }
        int[] outShape = new int[out.length];
        for (int i = 0; i < out.length; i++) {
            outShape[i] = dims[i];
        }
        int outSize = Shapes.size(outShape);
        int inner = 1;
        for (int i = out.length; i < nl; i++) {
            inner *= dims[i];
        }
        double[][] vals = new double[ts.length][];
        for (int t = 0; t < ts.length; t++) {
            vals[t] = ts[t].asDoubles();
        }
        double[] acc = new double[outSize];
        int[] idx = new int[nl];
        int[] off = new int[ts.length];
        long total = (long) outSize * inner;
        for (long it = 0; it < total; it++) {
            double p = 1;
            for (int t = 0; t < ts.length; t++) {
                p *= vals[t][off[t]];
            }
            acc[(int) (it / inner)] += p;
            for (int d = nl - 1; d >= 0; d--) {
                if (++idx[d] < dims[d]) {
                    for (int t = 0; t < ts.length; t++) {
                        off[t] += strides[t][d];
                    }
                    break;
                }
                for (int t = 0; t < ts.length; t++) {
                    off[t] -= strides[t][d] * (dims[d] - 1);
                }
                idx[d] = 0;
            }
        }
        Tensor y = Tensor.zeros(ts[0].dtype(), outShape);
        for (int i = 0; i < outSize; i++) {
            y.setDouble(i, acc[i]);
        }
        return y;
    }

    private static char ellLabel(int ellRank, int i) {
        return (char) ('\u0100' + (ellRank - 1 - i));
    }

    private static boolean isEll(char c) {
        return c >= '\u0100';
    }

    /** The term's labels with "..." replaced by this operand's right-aligned ellipsis labels. */
    private static char[] expandEllipsis(String term, int ell, int ellRank) {
        int at = term.indexOf("...");
        if (at < 0) {
            return term.toCharArray();
        }
        StringBuilder sb = new StringBuilder(term.substring(0, at));
        for (int i = ellRank - ell; i < ellRank; i++) {
            sb.append(ellLabel(ellRank, i));
        }
        sb.append(term.substring(at + 3));
        return sb.toString().toCharArray();
    }
}
