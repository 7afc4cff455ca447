package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.optimize.passes.ConvBatchNormFolding;
import io.ghostflow.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConvBatchNormFoldingTest {
    @Test
    void foldsBatchNormIntoConvWeightsAndBias() {
        G g = new G().input("x", 2, 4, 6, 6);
        ConvFusionTestSupport.conv(g, "x", "w", "b", "c", 4, 5);
        g.weights("gamma", 5).weights("beta", 5).weights("mean", 5)
                .init("var", Tensor.of(new float[] {0.5f, 1f, 2f, 0.1f, 3f}, 5))
                .node("BatchNormalization", List.of("c", "gamma", "beta", "mean", "var"), "y")
                .output("y");
        Model m = g.model();
        OptimizationReport r = G.optimize(m, new ConvBatchNormFolding());
        assertThat(G.ops(r.model())).containsExactly("Conv");
        assertThat(r.model().graph().nodes().get(0).outputs()).containsExactly("y");
        G.assertSameResults(m, r.model(), G.feed("x", ConvFusionTestSupport.input()), 1e-5);
    }

    @Test
    void foldsBatchNormAfterGemm() {
        G g = new G().input("x", 3, 4).weights("w", 5, 4).weights("c", 5)
                .node("Gemm", List.of("x", "w", "c"), "h", io.ghostflow.runtime.graph.Attribute.of("transB", 1L))
                .weights("gamma", 5).weights("beta", 5).weights("mean", 5)
                .init("var", Tensor.of(new float[] {0.5f, 1f, 2f, 0.1f, 3f}, 5))
                .node("BatchNormalization", List.of("h", "gamma", "beta", "mean", "var"), "y")
                .output("y");
        Model m = g.model();
        OptimizationReport r = G.optimize(m, new ConvBatchNormFolding());
        assertThat(G.ops(r.model())).containsExactly("Gemm");
        G.assertSameResults(m, r.model(), G.feed("x", G.random(new java.util.Random(3), 1, 3, 4)), 1e-5);
    }
}
