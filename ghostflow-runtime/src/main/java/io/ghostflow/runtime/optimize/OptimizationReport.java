package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.graph.Model;
import java.util.List;

/** The optimized model plus what each pass did, for {@code ghostflow optimize}. */
public record OptimizationReport(Model model, List<PassResult> passes, int nodesBefore, int nodesAfter) {
}
