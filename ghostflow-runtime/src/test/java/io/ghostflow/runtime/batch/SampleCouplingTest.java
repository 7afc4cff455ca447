package io.ghostflow.runtime.batch;

import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.FusedOps;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SampleCouplingTest {
    private static Graph graphOf(Node n) {
        return new Graph("g", List.of(n), List.of(), List.of(), Map.of(), Map.of());
    }

    @Test
    void quantizationOfTheWholeTensorCouplesSamples() {
        assertThat(SampleCoupling.couplesSamples(graphOf(new Node("q", "DynamicQuantizeLinear", List.of("x"), List.of("a", "b", "c"))))).isTrue();
        // the fused dense layer quantizes its whole input too
        assertThat(SampleCoupling.couplesSamples(graphOf(FusedOps.node("f", "DynamicQuantMatMul", List.of("x", "w", "", "s", ""), "y")))).isTrue();
    }

    @Test
    void rowWiseOpsDoNot() {
        assertThat(SampleCoupling.couplesSamples(graphOf(FusedOps.node("f", "FusedMatMul", List.of("x", "w"), "y")))).isFalse();
        // same name in another domain is another op
        assertThat(SampleCoupling.couplesSamples(graphOf(new Node("f", "DynamicQuantMatMul", List.of("x"), List.of("y"))))).isFalse();
    }
}
