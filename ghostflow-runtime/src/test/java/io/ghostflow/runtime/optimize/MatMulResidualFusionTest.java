package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.exec.CompiledGraph;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.ops.fused.Activation;
import io.ghostflow.runtime.optimize.passes.GemmActivationFusion;
import io.ghostflow.runtime.optimize.passes.MatMulAddFusion;
import io.ghostflow.runtime.optimize.passes.MatMulResidualFusion;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The residual Add of a transformer block folded into the dense layer before it. Numbers are
 * compared with the unfused graph on the double-precision reference kernels (tolerance 1e-5
 * relative) and, on GhostFlow's own kernels, bit for bit with the FusedMatMul + Add it replaces.
 */
class MatMulResidualFusionTest {
    private static final double TOL = 1e-5;

    /** x [.., 16] -> dense(W, b) -> + r; r's declared dims decide whether the fusion may fire. */
    private static Model dense(Object[] xDims, Object[] rDims) {
        return new G().input("x", xDims).input("r", rDims).weights("w", 16, 8).weights("b", 8)
                .node("MatMul", List.of("x", "w"), "h").node("Add", List.of("h", "b"), "y")
                .node("Add", List.of("r", "y"), "s").output("s").model();
    }

    private static Map<String, Value> feeds(int[] x, int[] r) {
        Random rnd = new Random(3);
        return Map.of("x", G.random(rnd, 1, x), "r", G.random(rnd, 1, r));
    }

    private static OptimizationReport fuse(Model m, SessionOptions opts) {
        return G.optimize(m, opts, new MatMulAddFusion(), new MatMulResidualFusion());
    }

    @Test
    void staticResidualOfTheProductShapeFolds() {
        Model m = dense(new Object[] {2, 5, 16}, new Object[] {2, 5, 8});
        OptimizationReport r = fuse(m, SessionOptions.defaults());
        assertThat(G.ops(r.model())).containsExactly("FusedMatMul");
        Node mm = r.model().graph().nodes().get(0);
        assertThat(mm.inputs()).containsExactly("x", "w", "b", "r");
        assertThat(mm.output(0)).isEqualTo("s");
        Map<String, Value> f = feeds(new int[] {2, 5, 16}, new int[] {2, 5, 8});
        G.assertSameResults(m, r.model(), f, TOL);
        assertBitEqual(G.optimize(m, new MatMulAddFusion()).model(), r.model(), f);
    }

    @Test
    void symbolicShapesProvedEqualFold() {
        Model m = dense(new Object[] {"batch", "seq", 16}, new Object[] {"batch", "seq", 8});
        OptimizationReport r = fuse(m, SessionOptions.defaults());
        assertThat(G.ops(r.model())).containsExactly("FusedMatMul");
        Map<String, Value> f = feeds(new int[] {3, 7, 16}, new int[] {3, 7, 8});
        G.assertSameResults(m, r.model(), f, TOL);
        assertBitEqual(G.optimize(m, new MatMulAddFusion()).model(), r.model(), f);
    }

    @Test
    void residualComputedInsideTheGraphFoldsAndTheProductMovesAfterIt() {
        // the residual is produced after the dense layer in node order: the fused node must follow it
        Model m = new G().input("x", "batch", "seq", 16).weights("w", 16, 16).weights("b", 16)
                .node("MatMul", List.of("x", "w"), "h").node("Add", List.of("h", "b"), "y")
                .node("Relu", List.of("x"), "r").node("Add", List.of("y", "r"), "s").output("s").model();
        OptimizationReport r = fuse(m, SessionOptions.defaults());
        assertThat(G.ops(r.model())).containsExactly("Relu", "FusedMatMul");
        G.assertSameResults(m, r.model(), Map.of("x", G.random(new Random(5), 1, 2, 3, 16)), TOL);
    }

    @Test
    void aFollowingActivationJoinsTheResidual() {
        Model m = new G().input("x", "batch", "seq", 16).input("r", "batch", "seq", 8).weights("w", 16, 8).weights("b", 8)
                .node("MatMul", List.of("x", "w"), "h").node("Add", List.of("h", "b"), "y")
                .node("Add", List.of("y", "r"), "s").node("Relu", List.of("s"), "o").output("o").model();
        OptimizationReport r = G.optimize(m, SessionOptions.defaults());
        assertThat(G.ops(r.model())).containsExactly("FusedMatMul");
        Node mm = r.model().graph().nodes().get(0);
        assertThat(mm.inputs()).hasSize(4);
        assertThat(Activation.from(mm).kind()).isEqualTo(Activation.Kind.RELU);
        G.assertSameResults(m, r.model(), feeds(new int[] {2, 4, 16}, new int[] {2, 4, 8}), TOL);
    }

    @Test
    void plainMatMulByConstantTakesTheResidualWithoutBias() {
        Model m = new G().input("x", 3, 16).input("r", 3, 8).weights("w", 16, 8)
                .node("MatMul", List.of("x", "w"), "y").node("Add", List.of("y", "r"), "s").output("s").model();
        OptimizationReport r = G.optimize(m, new MatMulResidualFusion());
        assertThat(G.ops(r.model())).containsExactly("FusedMatMul");
        assertThat(r.model().graph().nodes().get(0).inputs()).containsExactly("x", "w", "", "r");
        G.assertSameResults(m, r.model(), feeds(new int[] {3, 16}, new int[] {3, 8}), TOL);
    }

    @Test
    void broadcastResidualIsLeftToTheAdd() {
        Object[][] residuals = {{8}, {1, 5, 8}, {2, 1, 8}, {"seq", 8}};
        for (Object[] rd : residuals) {
            Model m = dense(new Object[] {2, 5, 16}, rd);
            assertThat(G.ops(fuse(m, SessionOptions.defaults()).model())).as(java.util.Arrays.toString(rd))
                    .containsExactly("FusedMatMul", "Add");
        }
        // a residual that widens the product: [1, 5, 8] + [2, 5, 8] is [2, 5, 8], not the product's shape
        Model widening = dense(new Object[] {1, 5, 16}, new Object[] {2, 5, 8});
        assertThat(G.ops(fuse(widening, SessionOptions.defaults()).model())).containsExactly("FusedMatMul", "Add");
    }

    @Test
    void symbolicShapesNotProvablyEqualAreLeft() {
        Object[][] residuals = {{"batch", "other", 8}, {"batch", 1, 8}, {"seq", "batch", 8}};
        for (Object[] rd : residuals) {
            Model m = dense(new Object[] {"batch", "seq", 16}, rd);
            assertThat(G.ops(fuse(m, SessionOptions.defaults()).model())).as(java.util.Arrays.toString(rd))
                    .containsExactly("FusedMatMul", "Add");
        }
        // an input of unknown rank proves nothing either
        Model unknown = new G().input("x", "batch", "seq", 16).weights("w", 16, 8).weights("b", 8)
                .node("MatMul", List.of("x", "w"), "h").node("Add", List.of("h", "b"), "y")
                .node("NonZero", List.of("x"), "nz").node("Cast", List.of("nz"), "r", io.ghostflow.runtime.graph.Attribute.of("to", 1L))
                .node("Add", List.of("y", "r"), "s").output("s").model();
        assertThat(G.ops(fuse(unknown, SessionOptions.defaults()).model())).contains("Add");
    }

    @Test
    void freeDimensionsMakeShapesStaticAndFold() {
        Model m = dense(new Object[] {"batch", "seq", 16}, new Object[] {"b2", "s2", 8});
        var opts = SessionOptions.defaults().withFreeDimensions(Map.of("batch", 2, "seq", 3, "b2", 2, "s2", 3));
        assertThat(G.ops(fuse(m, opts).model())).containsExactly("FusedMatMul");
        assertThat(G.ops(fuse(m, SessionOptions.defaults()).model())).containsExactly("FusedMatMul", "Add");
    }

    @Test
    void nonConstantWeightIsLeft() {
        Model m = new G().input("x", 3, 16).input("w", 16, 8).input("r", 3, 8)
                .node("MatMul", List.of("x", "w"), "y").node("Add", List.of("y", "r"), "s").output("s").model();
        assertThat(G.ops(G.optimize(m, new MatMulAddFusion(), new MatMulResidualFusion()).model())).containsExactly("MatMul", "Add");
    }

    @Test
    void productWithAnotherConsumerIsLeft() {
        Model m = new G().input("x", 2, 5, 16).input("r", 2, 5, 8).weights("w", 16, 8).weights("b", 8)
                .node("MatMul", List.of("x", "w"), "h").node("Add", List.of("h", "b"), "y")
                .node("Add", List.of("y", "r"), "s").node("Relu", List.of("y"), "t").output("s", "t").model();
        assertThat(G.ops(fuse(m, SessionOptions.defaults()).model())).containsExactly("FusedMatMul", "Add", "Relu");
        Model asOutput = new G().input("x", 2, 5, 16).input("r", 2, 5, 8).weights("w", 16, 8).weights("b", 8)
                .node("MatMul", List.of("x", "w"), "h").node("Add", List.of("h", "b"), "y")
                .node("Add", List.of("y", "r"), "s").output("s", "y").model();
        assertThat(G.ops(fuse(asOutput, SessionOptions.defaults()).model())).containsExactly("FusedMatMul", "Add");
    }

    @Test
    void productWithActivationIsLeft() {
        // relu(x W + b) + r is not relu(x W + b + r)
        Model m = new G().input("x", 2, 5, 16).input("r", 2, 5, 8).weights("w", 16, 8).weights("b", 8)
                .node("MatMul", List.of("x", "w"), "h").node("Add", List.of("h", "b"), "y").node("Relu", List.of("y"), "a")
                .node("Add", List.of("a", "r"), "s").output("s").model();
        OptimizationReport r = G.optimize(m, new MatMulAddFusion(), new GemmActivationFusion(), new MatMulResidualFusion());
        assertThat(G.ops(r.model())).containsExactly("FusedMatMul", "Add");
        G.assertSameResults(m, r.model(), feeds(new int[] {2, 5, 16}, new int[] {2, 5, 8}), TOL);
    }

    /** Both models on GhostFlow's default kernels give identical floats. */
    private static void assertBitEqual(Model before, Model after, Map<String, Value> feeds) {
        Map<String, Value> a = runDefault(before, feeds), b = runDefault(after, feeds);
        for (String k : a.keySet()) {
            assertThat(((Tensor) b.get(k)).floats()).as(k).containsExactly(((Tensor) a.get(k)).floats());
        }
    }

    private static Map<String, Value> runDefault(Model m, Map<String, Value> feeds) {
        var settings = new CompiledGraph.Settings(OpRegistry.defaults(), m.opsets(), 1);
        return new CompiledGraph(m.graph(), settings, Set.of()).run(feeds, null, null);
    }
}
