package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.GraphPass;
import io.ghostflow.runtime.optimize.PassContext;
import java.util.ArrayList;

/**
 * A pass that tries a rewrite anchored at each node, re-indexing after every success, until
 * no node matches. Keeps each fusion down to its pattern.
 */
abstract class LoopPass implements GraphPass {
    /** Tries to rewrite around {@code n}; true when the graph changed. */
    abstract boolean rewrite(Graph g, GraphIndex idx, Node n, PassContext ctx);

    @Override
    public final int apply(Graph g, PassContext ctx) {
        int count = 0;
        boolean changed = true;
        while (changed) {
            changed = false;
            GraphIndex idx = new GraphIndex(g);
            for (Node n : new ArrayList<>(g.nodes())) {
                if (rewrite(g, idx, n, ctx)) {
                    count++;
                    changed = true;
                    break;
                }
            }
        }
        return count;
    }
}
