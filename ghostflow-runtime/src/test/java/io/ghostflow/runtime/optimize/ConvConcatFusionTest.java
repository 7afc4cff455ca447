package io.ghostflow.runtime.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.runtime.optimize.passes.ConvActivationFusion;
import io.ghostflow.runtime.optimize.passes.ConvConcatFusion;
import io.ghostflow.runtime.optimize.passes.ConvResidualFusion;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Squeezenet's fire module (squeeze 1x1, then expand 1x1 and expand 3x3 concatenated): the
 * concatenation of the two expand convolutions becomes one ConvConcat whose results are the
 * separate convolutions' bit for bit, for any batch size.
 */
class ConvConcatFusionTest {
    private static Model fire(boolean expand3x3Bias, long axis) {
        G g = new G().input("x", "batch", 8, 7, 7);
        g.weights("ws", 4, 8, 1, 1).weights("bs", 4);
        g.weights("w1", 6, 4, 1, 1).weights("b1", 6);
        g.weights("w3", 5, 4, 3, 3).weights("b3", 5);
        Attribute one = Attribute.of("kernel_shape", new long[] {1, 1});
        g.node("Conv", List.of("x", "ws", "bs"), "s0", one).node("Relu", List.of("s0"), "s");
        g.node("Conv", List.of("s", "w1", "b1"), "e10", one).node("Relu", List.of("e10"), "e1");
        g.node("Conv", expand3x3Bias ? List.of("s", "w3", "b3") : List.of("s", "w3"), "e30",
                Attribute.of("kernel_shape", new long[] {3, 3}), Attribute.of("pads", new long[] {1, 1, 1, 1}));
        g.scalar("lo", 0).scalar("hi", 6).node("Clip", List.of("e30", "lo", "hi"), "e3");
        g.node("Concat", List.of("e1", "e3"), "y", Attribute.of("axis", axis));
        return g.output("y").model();
    }



    private static Map<String, Value> input(int batch) {
        return G.feed("x", G.random(new Random(3), 1, batch, 8, 7, 7));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void concatOfConvolutionsBecomesOneNodeWithTheSameBits(int batch) {
        for (boolean bias : new boolean[] {true, false}) {
            Model convs = G.optimize(fire(bias, 1), new ConvActivationFusion()).model();
            Model fused = G.optimize(fire(bias, 1), new ConvActivationFusion(), new ConvConcatFusion()).model();
            assertThat(G.ops(convs)).containsExactly("FusedConv", "FusedConv", "FusedConv", "Concat");
            assertThat(G.ops(fused)).containsExactly("FusedConv", "ConvConcat");
            G.assertSameBits(convs, fused, input(batch));
        }
    }

    @Test
    void negativeChannelAxisIsTheSame() {
        assertThat(G.ops(G.optimize(fire(true, -3), new ConvActivationFusion(), new ConvConcatFusion()).model()))
                .containsExactly("FusedConv", "ConvConcat");
    }

    @Test
    void leavesOtherAxesAndNonConvolutionInputs() {
        assertThat(G.ops(G.optimize(fire(true, 2), new ConvActivationFusion(), new ConvConcatFusion()).model()))
                .contains("Concat");
        G g = new G().input("x", 1, 4, 5, 5);
        ConvFusionTestSupport.conv(g, "x", "w", "b", "c", 4, 3);
        g.node("Concat", List.of("c", "x"), "y", Attribute.of("axis", 1L));
        assertThat(G.ops(G.optimize(g.output("y").model(), new ConvConcatFusion()).model())).containsExactly("Conv", "Concat");
    }

    @Test
    void leavesBranchesReadElsewhereOrWithAResidual() {
        G shared = new G().input("x", 1, 4, 5, 5);
        ConvFusionTestSupport.conv(shared, "x", "w", "b", "c", 4, 3);
        ConvFusionTestSupport.conv(shared, "x", "v", "a", "d", 4, 3);
        shared.node("Relu", List.of("c"), "r").node("Relu", List.of("d"), "q");
        shared.node("Concat", List.of("r", "q"), "y", Attribute.of("axis", 1L));
        Model alsoOutput = shared.output("y", "r").model();
        assertThat(G.ops(G.optimize(alsoOutput, new ConvActivationFusion(), new ConvConcatFusion()).model()))
                .contains("Concat");

        G residual = new G().input("x", 1, 4, 5, 5);
        ConvFusionTestSupport.conv(residual, "x", "w", "b", "c", 4, 4);
        ConvFusionTestSupport.conv(residual, "x", "v", "a", "d", 4, 3);
        residual.node("Add", List.of("c", "x"), "r").node("Concat", List.of("r", "d"), "y", Attribute.of("axis", 1L));
        Model m = residual.output("y").model();
        Model fused = G.optimize(m, new ConvResidualFusion(), new ConvActivationFusion(), new ConvConcatFusion()).model();
        assertThat(G.ops(fused)).contains("Concat");
        G.assertSameBits(m, fused, G.feed("x", G.random(new Random(5), 1, 1, 4, 5, 5)));
    }

    /**
     * A saved optimized model whose expand weights are a graph input (an initializer callers may
     * override): the node then runs each branch on its own and concatenates, with the fed weights.
     */
    @Test
    void fedWeightsTakeTheSeparateBranches() {
        Model fused = G.optimize(fire(true, 1), new ConvActivationFusion(), new ConvConcatFusion()).model();
        Model convs = G.optimize(fire(true, 1), new ConvActivationFusion()).model();
        Tensor w1 = G.random(new Random(9), 0.5, 6, 4, 1, 1);
        Map<String, Value> feeds = new java.util.HashMap<>(input(2));
        feeds.put("w1", w1);
        G.assertSameBits(withWeightInput(convs), withWeightInput(fused), feeds);
        Tensor a = G.runEngine(withWeightInput(fused), feeds);
        Tensor b = G.runEngine(fused, input(2));
        assertThat(a.floats()).isNotEqualTo(b.floats());
    }

    /** A hand-written ConvConcat with a branch's inputs cut short is refused at load with the node named. */
    @Test
    void malformedNodeIsAClearError() {
        Model fused = G.optimize(fire(true, 1), new ConvActivationFusion(), new ConvConcatFusion()).model();
        Graph g = fused.graph();
        List<Node> nodes = new ArrayList<>(g.nodes());
        Node cc = nodes.get(1);
        nodes.set(1, new Node(cc.name(), cc.opType(), cc.domain(), cc.inputs().subList(0, 4), cc.outputs(), cc.attributes()));
        Model broken = new Model(new Graph(g.name(), nodes, g.inputs(), g.outputs(), g.initializers(), Map.of()), fused.opsets(), 8,
                "test", "", Map.of(), null);
        assertThatThrownBy(() -> G.runEngine(broken, input(1)))
                .isInstanceOfSatisfying(GhostFlowException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_GRAPH))
                .hasMessageContaining(cc.name()).hasMessageContaining("three inputs");
    }

    private static Model withWeightInput(Model m) {
        Graph g = m.graph();
        List<ValueInfo> inputs = new ArrayList<>(g.inputs());
        inputs.add(new ValueInfo("w1", ValueType.tensor(DType.FLOAT, List.of(Dim.of(6), Dim.of(4), Dim.of(1), Dim.of(1)))));
        Graph h = new Graph(g.name(), g.nodes(), inputs, g.outputs(), g.initializers(), Map.of());
        return new Model(h, m.opsets(), 8, "test", "", Map.of(), null);
    }
}
