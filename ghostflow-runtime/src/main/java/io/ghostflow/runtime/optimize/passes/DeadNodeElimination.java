package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.GraphPass;
import io.ghostflow.runtime.optimize.PassContext;
import java.util.HashSet;
import java.util.Set;

/** Removes nodes none of whose outputs are read, and initializers nobody reads (unless they are graph inputs). */
public final class DeadNodeElimination implements GraphPass {
    @Override
    public String name() {
        return "dead-node-elimination";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.BASIC;
    }

    @Override
    public int apply(Graph g, PassContext ctx) {
        int removed = 0;
        boolean changed = true;
        while (changed) {
            GraphIndex idx = new GraphIndex(g);
            int before = g.nodes().size();
            g.nodes().removeIf(n -> n.outputs().stream().allMatch(o -> o.isEmpty()
                    || (idx.consumers(o).isEmpty() && !idx.isGraphOutput(o))));
            changed = g.nodes().size() != before;
            removed += before - g.nodes().size();
        }
        GraphIndex idx = new GraphIndex(g);
        Set<String> inputs = new HashSet<>();
        g.inputs().forEach(i -> inputs.add(i.name()));
        g.initializers().keySet().removeIf(k -> !inputs.contains(k) && idx.consumers(k).isEmpty() && !idx.isGraphOutput(k));
        return removed;
    }

}
