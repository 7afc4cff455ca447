package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Graph;

/**
 * Marks the point in the pass list where static shapes are analysed again. After the fusions
 * more of the graph has kernels (GhostFlow's fused ops), so shape arithmetic that could not be
 * evaluated at the start can be folded by the passes that follow.
 */
public final class RefreshShapes implements GraphPass {
    @Override
    public String name() {
        return "refresh-shapes";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    /** The optimizer replaces the pass context instead of calling this. */
    @Override
    public int apply(Graph graph, PassContext ctx) {
        return 0;
    }
}
