package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.tensor.Tensor;
import java.util.List;

/** Small graph edits shared by passes. */
public final class Rewrites {
    private Rewrites() {
    }

    /**
     * Removes {@code n}, whose output {@code out} equals its input {@code in}, by pointing the
     * readers of {@code out} at {@code in}. When {@code out} is a graph output its name must
     * survive, so the producer of {@code in} is renamed instead; when that is impossible (in is a
     * graph input, initializer or another output) the node stays and false is returned.
     */
    public static boolean bypass(Graph g, GraphIndex idx, Node n, String in, String out) {
        if (!idx.isGraphOutput(out)) {
            GraphIndex.replaceUses(g, out, in);
            g.nodes().remove(n);
            return true;
        }
        Node p = idx.producer(in);
        if (p == null || idx.isGraphOutput(in)) {
            return false;
        }
        g.nodes().remove(n);
        List<String> outs = p.outputs();
        outs.set(outs.indexOf(in), out);
        GraphIndex.replaceUses(g, in, out);
        return true;
    }

    /** Adds an initializer under a fresh name derived from {@code base} and returns the name. */
    public static String addConstant(Graph g, GraphIndex idx, String base, Tensor value) {
        String name = idx.freshName(base);
        while (g.initializers().containsKey(name)) {
            name = name + "_";
        }
        g.initializers().put(name, value);
        return name;
    }

    /** Replaces the chain ending at {@code last} by {@code fused}, which takes over last's output name. */
    public static void replaceChain(Graph g, List<Node> chain, Node fused) {
        int at = g.nodes().indexOf(chain.get(chain.size() - 1));
        g.nodes().add(at, fused);
        g.nodes().removeAll(chain);
    }
}
