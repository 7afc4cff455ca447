package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.exec.TopologicalOrder;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.GraphPass;
import io.ghostflow.runtime.optimize.PassContext;
import io.ghostflow.tensor.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges nodes that compute the same thing: same op, same inputs, same attributes (constant
 * tensors compared by content). Small initializers that no feed can override count as the same
 * input when their contents are equal (exporters give every Unsqueeze its own copy of the same
 * axes). Random ops and nodes with subgraphs are left alone.
 */
public final class CommonSubexpressionElimination implements GraphPass {
    private static final Set<String> NONDETERMINISTIC = Set.of("RandomNormal", "RandomUniform", "RandomNormalLike",
            "RandomUniformLike", "Multinomial", "Bernoulli", "Dropout");

    @Override
    public String name() {
        return "common-subexpression-elimination";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.BASIC;
    }

    @Override
    public int apply(Graph g, PassContext ctx) {
        Set<String> available = new HashSet<>(g.initializers().keySet());
        g.inputs().forEach(i -> available.add(i.name()));
        List<Node> order = TopologicalOrder.sort(g, available);
        GraphIndex idx = new GraphIndex(g);
        Map<String, String> sameAs = constantIdentities(g);
        Map<String, Node> seen = new HashMap<>();
        int merged = 0;
        for (Node n : order) {
            if (!n.subgraphs().isEmpty() || NONDETERMINISTIC.contains(n.opType()) || n.outputs().isEmpty()) {
                continue;
            }
            String key = key(n, sameAs);
            Node first = seen.get(key);
            if (first == null) {
                seen.put(key, n);
                continue;
            }
            if (n.outputs().stream().anyMatch(idx::isGraphOutput) || first.outputs().size() != n.outputs().size()) {
                continue;
            }
            for (int i = 0; i < n.outputs().size(); i++) {
                if (!n.output(i).isEmpty()) {
                    if (first.output(i).isEmpty()) {
                        first.outputs().set(i, n.output(i));
                    } else {
                        GraphIndex.replaceUses(g, n.output(i), first.output(i));
                    }
                }
            }
            g.nodes().remove(n);
            merged++;
        }
        return merged;
    }

    /** Initializers of at most this many elements are compared by content. */
    private static final int SMALL_CONSTANT = 64;

    /** Input name -> content identity, for small initializers that are not also graph inputs. */
    private static Map<String, String> constantIdentities(Graph g) {
        Set<String> fed = new HashSet<>();
        g.inputs().forEach(i -> fed.add(i.name()));
        Map<String, String> ids = new HashMap<>();
        g.initializers().forEach((name, t) -> {
            if (!fed.contains(name) && t.size() <= SMALL_CONSTANT) {
                ids.put(name, "=" + t.dtype() + Arrays.toString(t.shape()) + '#' + contentHash(t));
            }
        });
        return ids;
    }

    private static String key(Node n, Map<String, String> sameAs) {
        StringBuilder sb = new StringBuilder(n.domain()).append('|').append(n.opType()).append('|');
        for (String in : n.inputs()) {
            sb.append(sameAs.getOrDefault(in, in)).append(',');
        }
        sb.append('|');
        n.attributes().values().stream().sorted(java.util.Comparator.comparing(Attribute::name)).forEach(a -> {
            sb.append(a.name()).append('=');
            if (a.value() instanceof Tensor t) {
                sb.append(t.dtype()).append(Arrays.toString(t.shape())).append('#').append(contentHash(t));
            } else {
                sb.append(a);
            }
            sb.append(';');
        });
        return sb.toString();
    }

    /** Bytes up to which a tensor's content is its own key, in hex (an exact identity, no digest). */
    private static final int LITERAL_BYTES = 512;

    private static String contentHash(Tensor t) {
        if (t.segment() == null) {
            return Arrays.toString(t.strings());
        }
        byte[] bytes = t.segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        if (bytes.length <= LITERAL_BYTES) {
            // The small initializers every model has: the first MessageDigest of a JVM loads the
            // security providers, a cost paid on the first model load.
            return java.util.HexFormat.of().formatHex(bytes);
        }
        try {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            md.update(bytes);
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
