package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.optimize.passes.CommonSubexpressionElimination;
import io.ghostflow.runtime.optimize.passes.DeadNodeElimination;
import io.ghostflow.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CommonSubexpressionEliminationTest {
    @Test
    void mergesEqualNodesButNotDifferentAttributes() {
        Model m = new G().input("x", 2, 3)
                .node("Relu", List.of("x"), "a")
                .node("Relu", List.of("x"), "b")
                .node("LeakyRelu", List.of("x"), "c", Attribute.of("alpha", 0.1f))
                .node("LeakyRelu", List.of("x"), "d", Attribute.of("alpha", 0.2f))
                .node("Add", List.of("a", "b"), "s")
                .node("Add", List.of("c", "d"), "t")
                .node("Mul", List.of("s", "t"), "y")
                .output("y").model();
        OptimizationReport r = G.optimize(m, new CommonSubexpressionElimination(), new DeadNodeElimination());
        assertThat(r.passes().get(0).rewrites()).isEqualTo(1);
        assertThat(G.ops(r.model()).stream().filter("Relu"::equals)).hasSize(1);
        assertThat(G.ops(r.model()).stream().filter("LeakyRelu"::equals)).hasSize(2);
        Tensor x = G.random(new Random(3), 1, 2, 3);
        G.assertSameResults(m, r.model(), G.feed("x", x), 0);
    }

    /** Exporters give each Unsqueeze its own axes initializer: equal contents make equal inputs, unless a feed may override one. */
    @Test
    void smallInitializersWithEqualContentsCountAsTheSameInput() {
        Model m = new G().input("x", 2, 3)
                .ints("axes_a", 0).ints("axes_b", 0).ints("axes_c", 1)
                .node("Unsqueeze", List.of("x", "axes_a"), "a")
                .node("Unsqueeze", List.of("x", "axes_b"), "b")
                .node("Unsqueeze", List.of("x", "axes_c"), "c")
                .node("Add", List.of("a", "b"), "s")
                .node("Unsqueeze", List.of("s", "axes_c"), "t")
                .node("Unsqueeze", List.of("c", "axes_a"), "u")
                .node("Add", List.of("t", "u"), "y")
                .output("y").model();
        OptimizationReport r = G.optimize(m, new CommonSubexpressionElimination(), new DeadNodeElimination());
        assertThat(r.passes().get(0).rewrites()).isEqualTo(1);
        assertThat(G.ops(r.model()).stream().filter("Unsqueeze"::equals)).hasSize(4);
        G.assertSameResults(m, r.model(), G.feed("x", G.random(new Random(4), 1, 2, 3)), 0);

        Model fed = new G().input("x", 2, 3).typedInput("axes_b", io.ghostflow.tensor.DType.INT64, 1)
                .ints("axes_a", 0).ints("axes_b", 0)
                .node("Unsqueeze", List.of("x", "axes_a"), "a")
                .node("Unsqueeze", List.of("x", "axes_b"), "b")
                .node("Add", List.of("a", "b"), "y")
                .output("y").model();
        OptimizationReport kept = G.optimize(fed, new CommonSubexpressionElimination());
        assertThat(kept.passes().get(0).rewrites()).isZero();
    }
}
