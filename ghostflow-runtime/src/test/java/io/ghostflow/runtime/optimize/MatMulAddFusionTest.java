package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.optimize.passes.MatMulAddFusion;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MatMulAddFusionTest {
    @Test
    void twoDimensionalMatMulPlusBiasBecomesGemm() {
        Model m = new G().input("x", "n", 4).weights("w", 4, 5).weights("b", 5)
                .node("MatMul", List.of("x", "w"), "h").node("Add", List.of("b", "h"), "y").output("y").model();
        var opts = SessionOptions.defaults().withFreeDimensions(Map.of("n", 3));
        OptimizationReport r = G.optimize(m, opts, new MatMulAddFusion());
        assertThat(G.ops(r.model())).containsExactly("Gemm");
        G.assertSameResults(m, r.model(), G.feed("x", G.random(new Random(1), 1, 3, 4)), 1e-5);
    }

    @Test
    void denseLayerOnSequencesBecomesFusedMatMul() {
        Model m = new G().input("x", "batch", "seq", 4).weights("w", 4, 5).weights("b", 5)
                .node("MatMul", List.of("x", "w"), "h").node("Add", List.of("h", "b"), "y").output("y").model();
        OptimizationReport r = G.optimize(m, new MatMulAddFusion());
        assertThat(G.ops(r.model())).containsExactly("FusedMatMul");
        G.assertSameResults(m, r.model(), G.feed("x", G.random(new Random(1), 1, 2, 3, 4)), 1e-5);
    }

    @Test
    void leavesMatMulWithNonConstantWeights() {
        Model m = new G().input("x", 3, 4).input("w", 4, 5).weights("b", 5)
                .node("MatMul", List.of("x", "w"), "h").node("Add", List.of("h", "b"), "y").output("y").model();
        assertThat(G.ops(G.optimize(m, new MatMulAddFusion()).model())).containsExactly("MatMul", "Add");
    }
}
