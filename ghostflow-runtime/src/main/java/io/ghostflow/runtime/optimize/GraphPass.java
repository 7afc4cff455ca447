package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Graph;

/** One local rewrite applied to a whole graph. Returns how many rewrites it made (0 = graph unchanged). */
public interface GraphPass {
    String name();

    /** The lowest optimization level at which this pass runs. */
    OptimizationLevel level();

    int apply(Graph graph, PassContext ctx);
}
