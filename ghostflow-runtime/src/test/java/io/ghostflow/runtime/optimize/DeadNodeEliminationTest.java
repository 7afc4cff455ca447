package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.optimize.passes.DeadNodeElimination;
import io.ghostflow.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeadNodeEliminationTest {
    @Test
    void removesUnreadChainsAndInitializers() {
        Model m = new G().input("x", 2, 3).weights("unused", 3)
                .node("Relu", List.of("x"), "y")
                .node("Sigmoid", List.of("x"), "dead1")
                .node("Add", List.of("dead1", "unused"), "dead2")
                .output("y").model();
        OptimizationReport r = G.optimize(m, new DeadNodeElimination());
        assertThat(G.ops(r.model())).containsExactly("Relu");
        assertThat(r.model().graph().initializers()).isEmpty();
        assertThat(r.passes().get(0).rewrites()).isEqualTo(2);
        Tensor x = G.random(new Random(2), 1, 2, 3);
        G.assertSameResults(m, r.model(), G.feed("x", x), 0);
    }
}
