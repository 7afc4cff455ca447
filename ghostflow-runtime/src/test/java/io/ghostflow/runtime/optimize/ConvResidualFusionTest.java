package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.Activation;
import io.ghostflow.runtime.optimize.passes.ConvActivationFusion;
import io.ghostflow.runtime.optimize.passes.ConvResidualFusion;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConvResidualFusionTest {
    @Test
    void fusesResidualAddAndReluIntoOneConv() {
        G g = new G().input("x", 2, 4, 6, 6);
        ConvFusionTestSupport.conv(g, "x", "w1", "b1", "h", 4, 4);
        g.node("Relu", List.of("h"), "hr");
        ConvFusionTestSupport.conv(g, "hr", "w2", "b2", "c", 4, 4);
        g.node("Add", List.of("c", "x"), "s").node("Relu", List.of("s"), "y").output("y");
        Model m = g.model();
        OptimizationReport r = G.optimize(m, new ConvResidualFusion(), new ConvActivationFusion());
        assertThat(G.ops(r.model())).containsExactly("FusedConv", "FusedConv");
        Node second = r.model().graph().nodes().stream().filter(n -> n.inputs().size() == 4).findFirst().orElseThrow();
        assertThat(second.input(3)).isEqualTo("x");
        assertThat(Activation.from(second).kind()).isEqualTo(Activation.Kind.RELU);
        G.assertSameResults(m, r.model(), G.feed("x", ConvFusionTestSupport.input()), 1e-5);
    }
}
