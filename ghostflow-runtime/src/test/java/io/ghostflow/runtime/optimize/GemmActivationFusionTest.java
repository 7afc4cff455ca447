package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.optimize.passes.GemmActivationFusion;
import io.ghostflow.runtime.optimize.passes.MatMulAddFusion;
import io.ghostflow.runtime.optimize.passes.TransposeIntoGemm;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GemmActivationFusionTest {
    @Test
    void linearPlusReluBecomesFusedGemm() {
        Model m = new G().input("x", 3, 4).weights("w", 5, 4).weights("b", 5)
                .node("Gemm", List.of("x", "w", "b"), "h", Attribute.of("transB", 1L), Attribute.of("alpha", 0.5f))
                .node("Relu", List.of("h"), "y").output("y").model();
        OptimizationReport r = G.optimize(m, new GemmActivationFusion());
        assertThat(G.ops(r.model())).containsExactly("FusedGemm");
        G.assertSameResults(m, r.model(), G.feed("x", G.random(new Random(1), 1, 3, 4)), 1e-5);
    }

    @Test
    void denseLayerPlusSigmoidOnSequencesBecomesOneFusedMatMul() {
        Model m = new G().input("x", 2, 3, 4).weights("w", 4, 5).weights("b", 5)
                .node("MatMul", List.of("x", "w"), "h").node("Add", List.of("h", "b"), "a")
                .node("Sigmoid", List.of("a"), "y").output("y").model();
        OptimizationReport r = G.optimize(m, new MatMulAddFusion(), new GemmActivationFusion());
        assertThat(G.ops(r.model())).containsExactly("FusedMatMul");
        G.assertSameResults(m, r.model(), G.feed("x", G.random(new Random(1), 1, 2, 3, 4)), 1e-5);
    }

    @Test
    void transposesFoldIntoGemmFlags() {
        Model m = new G().input("a", 4, 3).input("bt", 5, 4)
                .node("Transpose", List.of("a"), "at", Attribute.of("perm", new long[] {1, 0}))
                .node("Transpose", List.of("bt"), "b", Attribute.of("perm", new long[] {1, 0}))
                .node("Gemm", List.of("at", "b"), "y").output("y").model();
        OptimizationReport r = G.optimize(m, new TransposeIntoGemm());
        assertThat(G.ops(r.model())).containsExactly("Gemm");
        var gemm = r.model().graph().nodes().get(0);
        assertThat(gemm.getInt("transA", 0)).isEqualTo(1);
        assertThat(gemm.getInt("transB", 0)).isEqualTo(1);
        var feeds = java.util.Map.of("a", G.random(new Random(1), 1, 4, 3), "bt", G.random(new Random(2), 1, 5, 4));
        G.assertSameResults(m, r.model(), feeds, 1e-5);
    }
}
