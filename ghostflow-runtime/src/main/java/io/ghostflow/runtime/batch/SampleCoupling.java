package io.ghostflow.runtime.batch;

import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import java.util.Set;

/**
 * Finds ops whose result for one sample depends on the other samples stacked with it, such as
 * DynamicQuantizeLinear (one scale from the min/max of the whole tensor). Stacking requests
 * for such a model would make a request's answer depend on its neighbours in the queue, so
 * {@link BatchInference} runs them one sample at a time instead.
 */
final class SampleCoupling {
    private static final Set<String> COUPLING_OPS = Set.of("DynamicQuantizeLinear");
    /** Fused ops (domain io.ghostflow) that quantize their whole input the same way. */
    private static final Set<String> FUSED_COUPLING_OPS = Set.of("DynamicQuantMatMul");

    private SampleCoupling() {
    }

    static boolean couplesSamples(Graph graph) {
        for (Node n : graph.nodes()) {
            if (n.domain().isEmpty() ? COUPLING_OPS.contains(n.opType())
                    : n.domain().equals(io.ghostflow.runtime.ops.fused.FusedOps.DOMAIN) && FUSED_COUPLING_OPS.contains(n.opType())) {
                return true;
            }
            for (Graph sub : n.subgraphs()) {
                if (couplesSamples(sub)) {
                    return true;
                }
            }
        }
        return false;
    }
}
