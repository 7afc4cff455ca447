package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.ops.fused.FusedOps;
import io.ghostflow.runtime.optimize.passes.ConvActivationFusion;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ConvActivationFusionTest {
    @ParameterizedTest
    @ValueSource(strings = {"Relu", "Clip", "Relu6", "LeakyRelu", "HardSwish", "HardSigmoid", "Sigmoid", "SiLU"})
    void fusesActivationIntoConv(String act) {
        G g = new G().input("x", 2, 4, 6, 6);
        ConvFusionTestSupport.conv(g, "x", "w", "b", "c", 4, 3);
        switch (act) {
            case "Clip" -> g.node("Clip", List.of("c"), "y", Attribute.of("min", -0.5f), Attribute.of("max", 0.7f));
            case "Relu6" -> g.scalar("lo", 0).scalar("hi", 6).node("Clip", List.of("c", "lo", "hi"), "y");
            case "LeakyRelu" -> g.node("LeakyRelu", List.of("c"), "y", Attribute.of("alpha", 0.1f));
            case "SiLU" -> g.node("Sigmoid", List.of("c"), "s").node("Mul", List.of("c", "s"), "y");
            default -> g.node(act, List.of("c"), "y");
        }
        Model m = g.output("y").model();
        OptimizationReport r = G.optimize(m, new ConvActivationFusion());
        assertThat(G.ops(r.model())).containsExactly("FusedConv");
        assertThat(r.model().graph().nodes().get(0).domain()).isEqualTo(FusedOps.DOMAIN);
        assertThat(r.model().opsets()).containsEntry(FusedOps.DOMAIN, 1);
        G.assertSameResults(m, r.model(), G.feed("x", ConvFusionTestSupport.input()), 1e-5);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void leavesActivationWhenConvOutputIsAlsoReadElsewhere(boolean alsoOutput) {
        G g = new G().input("x", 2, 4, 6, 6);
        ConvFusionTestSupport.conv(g, "x", "w", "b", "c", 4, 3);
        g.node("Relu", List.of("c"), "y");
        if (alsoOutput) {
            g.output("y", "c");
        } else {
            g.node("Sigmoid", List.of("c"), "z").output("y", "z");
        }
        assertThat(G.ops(G.optimize(g.model(), new ConvActivationFusion()).model())).contains("Conv", "Relu");
    }
}
