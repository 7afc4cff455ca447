package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.optimize.passes.ConstantFolding;
import io.ghostflow.runtime.optimize.passes.DeadNodeElimination;
import io.ghostflow.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConstantFoldingTest {
    @Test
    void foldsNodesOnConstantsWithTheRealKernels() {
        Model m = new G().input("x", 2, 3).weights("w", 3, 3)
                .node("Transpose", List.of("w"), "wt", Attribute.of("perm", new long[] {1, 0}))
                .node("Relu", List.of("wt"), "wr")
                .node("MatMul", List.of("x", "wr"), "y")
                .output("y").model();
        OptimizationReport r = G.optimize(m, new ConstantFolding(), new DeadNodeElimination());
        assertThat(G.ops(r.model())).containsExactly("MatMul");
        assertThat(r.passes().get(0).rewrites()).isEqualTo(2);
        G.assertSameResults(m, r.model(), G.feed("x", G.random(new Random(4), 1, 2, 3)), 0);
    }

    /** The transformer export idiom: reshape to [batch, seq, heads, -1] computed from Shape. */
    private static Model shapeArithmetic() {
        return new G().input("x", "batch", "seq", 8)
                .ints("i0", 0).ints("i1", 1).ints("ax", 0).ints("heads", 2).ints("minus1", -1)
                .init("s0", Tensor.ofLongs(new long[] {0})).init("s1", Tensor.ofLongs(new long[] {1}))
                .node("Shape", List.of("x"), "shape")
                .node("Gather", List.of("shape", "i0"), "b")
                .node("Gather", List.of("shape", "i1"), "s")
                .node("Unsqueeze", List.of("b", "ax"), "bu")
                .node("Unsqueeze", List.of("s", "ax"), "su")
                .node("Concat", List.of("bu", "su", "heads", "minus1"), "newshape", Attribute.of("axis", 0L))
                .node("Reshape", List.of("x", "newshape"), "r")
                .node("Relu", List.of("r"), "y")
                .output("y").model();
    }

    @Test
    void foldsShapeArithmeticOnceFreeDimensionsAreFixed() {
        Model m = shapeArithmetic();
        assertThat(G.ops(G.optimize(m, new ConstantFolding()).model())).contains("Shape");
        var opts = SessionOptions.defaults().withFreeDimensions(Map.of("batch", 2, "seq", 3));
        OptimizationReport r = G.optimize(m, opts, new ConstantFolding(), new DeadNodeElimination());
        assertThat(G.ops(r.model())).containsExactly("Reshape", "Relu");
        Tensor folded = r.model().graph().initializers().get("newshape");
        assertThat(folded.asLongs()).containsExactly(2, 3, 2, -1);
        G.assertSameResults(m, r.model(), G.feed("x", G.random(new Random(5), 1, 2, 3, 8)), 0);
    }

    @Test
    void neverFoldsOverridableInitializers() {
        var g = new G().input("x", 2).weights("w", 2);
        Model m = g.node("Relu", List.of("w"), "wr").node("Add", List.of("x", "wr"), "y").output("y").model();
        m.graph().inputs().add(new io.ghostflow.runtime.graph.ValueInfo("w", m.graph().inputs().get(0).type()));
        OptimizationReport r = G.optimize(m, new ConstantFolding());
        assertThat(G.ops(r.model())).containsExactly("Relu", "Add");
    }
}
