package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.optimize.passes.EliminateNoOps;
import io.ghostflow.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EliminateNoOpsTest {
    private final Tensor x = G.random(new Random(1), 1, 2, 3);

    @Test
    void removesIdentityDropoutAndNoOpCastKeepingOutputNames() {
        Model m = new G().input("x", 2, 3)
                .node("Identity", List.of("x"), "a")
                .node("Relu", List.of("a"), "b")
                .node("Dropout", List.of("b"), "c")
                .node("Cast", List.of("c"), "d", Attribute.of("to", 1L))
                .node("Identity", List.of("d"), "y")
                .output("y").model();
        OptimizationReport r = G.optimize(m, new EliminateNoOps());
        assertThat(G.ops(r.model())).containsExactly("Relu");
        assertThat(r.model().graph().nodes().get(0).outputs()).containsExactly("y");
        assertThat(r.passes().get(0).rewrites()).isEqualTo(4);
        G.assertSameResults(m, r.model(), G.feed("x", x), 0);
    }

    @Test
    void keepsCastThatConvertsAndIdentityFromInputToOutput() {
        Model m = new G().input("x", 2, 3)
                .node("Cast", List.of("x"), "i", Attribute.of("to", 7L))
                .node("Cast", List.of("i"), "f", Attribute.of("to", 1L))
                .node("Identity", List.of("x"), "y")
                .output("f", "y").model();
        OptimizationReport r = G.optimize(m, new EliminateNoOps());
        assertThat(G.ops(r.model())).containsExactly("Cast", "Cast", "Identity");
        G.assertSameResults(m, r.model(), G.feed("x", x), 0);
    }

    @Test
    void removesReshapeToTheSameShapeOnceDimsAreFixed() {
        Model m = new G().input("x", "batch", 3).ints("shape", 0, 3)
                .node("Reshape", List.of("x", "shape"), "r")
                .node("Relu", List.of("r"), "y")
                .output("y").model();
        assertThat(G.ops(G.optimize(m, new EliminateNoOps()).model())).containsExactly("Reshape", "Relu");
        var fixed = SessionOptions.defaults().withFreeDimensions(Map.of("batch", 2));
        OptimizationReport r = G.optimize(m, fixed, new EliminateNoOps());
        assertThat(G.ops(r.model())).containsExactly("Relu");
        G.assertSameResults(m, r.model(), G.feed("x", x), 0);
    }
}
