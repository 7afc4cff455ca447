package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Model;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OptimizationLevelsTest {
    private Model model() {
        G g = new G().input("x", 2, 4, 6, 6);
        g.node("Identity", List.of("x"), "xi");
        ConvFusionTestSupport.conv(g, "xi", "w", "b", "c", 4, 3);
        return g.node("Relu", List.of("c"), "y").output("y").model();
    }

    private List<String> opsAt(OptimizationLevel level) {
        return G.ops(G.optimize(model(), SessionOptions.defaults().withOptimizationLevel(level)).model());
    }

    @Test
    void levelsDecideWhichPassesRun() {
        Model original = model();
        assertThat(opsAt(OptimizationLevel.NONE)).containsExactly("Identity", "Conv", "Relu");
        assertThat(opsAt(OptimizationLevel.BASIC)).containsExactly("Conv", "Relu");
        assertThat(opsAt(OptimizationLevel.EXTENDED)).containsExactly("FusedConv");
        assertThat(opsAt(OptimizationLevel.ALL)).containsExactly("FusedConv");
        G.assertSameResults(original, G.optimize(original).model(), G.feed("x", ConvFusionTestSupport.input()), 1e-5);
        assertThat(G.ops(original)).as("the caller's model is not modified").containsExactly("Identity", "Conv", "Relu");
    }
}
