package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.optimize.passes.BiasFolding;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BiasFoldingTest {
    @Test
    void foldsPerChannelAddIntoConvBias() {
        G g = new G().input("x", 2, 4, 6, 6);
        ConvFusionTestSupport.conv(g, "x", "w", null, "c", 4, 3);
        g.weights("bias", 1, 3, 1, 1).node("Add", List.of("bias", "c"), "y").output("y");
        Model m = g.model();
        OptimizationReport r = G.optimize(m, new BiasFolding());
        assertThat(G.ops(r.model())).containsExactly("Conv");
        assertThat(r.model().graph().nodes().get(0).inputs()).hasSize(3);
        G.assertSameResults(m, r.model(), G.feed("x", ConvFusionTestSupport.input()), 1e-5);
    }

    @Test
    void leavesAnAddThatIsNotPerChannel() {
        G g = new G().input("x", 2, 4, 6, 6);
        ConvFusionTestSupport.conv(g, "x", "w", null, "c", 4, 3);
        g.weights("bias", 6).node("Add", List.of("c", "bias"), "y").output("y");
        assertThat(G.ops(G.optimize(g.model(), new BiasFolding()).model())).containsExactly("Conv", "Add");
    }

    @Test
    void foldsAddIntoGemmC() {
        Model m = new G().input("x", 3, 4).weights("w", 4, 5).weights("c", 5).weights("d", 1, 5)
                .node("Gemm", List.of("x", "w", "c"), "h", io.ghostflow.runtime.graph.Attribute.of("beta", 0.5f))
                .node("Add", List.of("h", "d"), "y").output("y").model();
        OptimizationReport r = G.optimize(m, new BiasFolding());
        assertThat(G.ops(r.model())).containsExactly("Gemm");
        G.assertSameResults(m, r.model(), G.feed("x", G.random(new java.util.Random(3), 1, 3, 4)), 1e-5);
    }
}
