package io.ghostflow.runtime.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.optimize.passes.ConvActivationFusion;
import io.ghostflow.runtime.optimize.passes.ConvResidualFusion;
import io.ghostflow.runtime.optimize.passes.DepthwisePointwiseFusion;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MobileNet's depthwise -> projection pair: a 3x3 depthwise convolution (bias, ReLU6) whose output
 * only a pointwise convolution reads becomes one DepthwisePointwiseConv when the depthwise output
 * outgrows L2 (16 x 130 x 130 floats here), with the separate convolutions' results bit for bit.
 */
class DepthwisePointwiseFusionTest {
    private static final int C = 16;
    private static final int SIDE = 130;

    /**
     * x -> depthwise 3x3 (stride s) -> Clip(0, 6) -> 1x1 to m channels (+ x when residual). A
     * symbolic batch keeps shape analysis from running the reference convolution at this size.
     */
    private static Model block(Object batch, int side, int stride, int m, boolean pointwiseBias, boolean residual) {
        G g = new G().input("x", batch, C, side, side);
        g.weights("wd", C, 1, 3, 3).weights("bd", C).weights("wp", m, C, 1, 1).weights("bp", m);
        g.node("Conv", List.of("x", "wd", "bd"), "d0", Attribute.of("kernel_shape", new long[] {3, 3}),
                Attribute.of("pads", new long[] {1, 1, 1, 1}), Attribute.of("group", (long) C),
                Attribute.of("strides", new long[] {stride, stride}));
        g.scalar("lo", 0).scalar("hi", 6).node("Clip", List.of("d0", "lo", "hi"), "d");
        g.node("Conv", pointwiseBias ? List.of("d", "wp", "bp") : List.of("d", "wp"), residual ? "p" : "y",
                Attribute.of("kernel_shape", new long[] {1, 1}));
        if (residual) {
            g.node("Add", List.of("p", "x"), "y");
        }
        return g.output("y").model();
    }

    private static final GraphPass[] CONV_FUSIONS = {new ConvResidualFusion(), new ConvActivationFusion()};

    private static Model optimized(Model m, boolean withPair) {
        List<GraphPass> passes = new ArrayList<>(List.of(CONV_FUSIONS));
        if (withPair) {
            passes.add(new DepthwisePointwiseFusion());
        }
        return G.optimize(m, passes.toArray(GraphPass[]::new)).model();
    }



    private static Map<String, Value> input(int batch, int side) {
        return G.feed("x", G.random(new Random(3), 1, batch, C, side, side));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void depthwiseThenPointwiseBecomesOneNodeWithTheSameBits(int batch) {
        for (boolean bias : new boolean[] {true, false}) {
            Model plain = block("batch", SIDE, 1, 8, bias, false);
            assertThat(G.ops(optimized(plain, false))).containsExactly("FusedConv", "Conv");
            assertThat(G.ops(optimized(plain, true))).containsExactly("DepthwisePointwiseConv");
            G.assertSameBits(optimized(plain, false), optimized(plain, true), input(batch, SIDE));
        }
        Model residual = block("batch", SIDE, 1, C, true, true);
        assertThat(G.ops(optimized(residual, true))).containsExactly("DepthwisePointwiseConv");
        G.assertSameBits(optimized(residual, false), optimized(residual, true), input(batch, SIDE));
    }

    @Test
    void aSymbolicBatchIsFusedAndDecidedPerRun() {
        Model m = block("batch", SIDE, 2, 8, true, false);
        assertThat(G.ops(optimized(m, true))).containsExactly("DepthwisePointwiseConv");
        // stride 2 halves the output (16 x 65 x 65 fits L2): the node runs the two convolutions apart
        G.assertSameBits(optimized(m, false), optimized(m, true), input(1, SIDE));
        Model wide = block("batch", 2 * SIDE, 2, 8, true, false);
        G.assertSameBits(optimized(wide, false), optimized(wide, true), input(1, 2 * SIDE));
    }

    @Test
    void depthwiseOutputsKnownToFitL2StayApart() {
        assertThat(G.ops(optimized(block(1, 40, 1, 8, true, false), true))).containsExactly("FusedConv", "Conv");
    }

    @Test
    void leavesDepthwiseOutputsReadElsewhereAndOtherKernels() {
        Model alsoOutput = G.alsoOutput(block("batch", SIDE, 1, 8, true, false), "d");
        assertThat(G.ops(optimized(alsoOutput, true))).containsExactly("FusedConv", "Conv");

        G five = new G().input("x", "batch", C, SIDE, SIDE);
        five.weights("wd", C, 1, 5, 5).weights("wp", 8, C, 1, 1);
        five.node("Conv", List.of("x", "wd"), "d", Attribute.of("kernel_shape", new long[] {5, 5}),
                Attribute.of("pads", new long[] {2, 2, 2, 2}), Attribute.of("group", (long) C));
        five.node("Conv", List.of("d", "wp"), "y", Attribute.of("kernel_shape", new long[] {1, 1}));
        assertThat(G.ops(optimized(five.output("y").model(), true))).containsExactly("Conv", "Conv");

        G strided = new G().input("x", "batch", C, SIDE, SIDE);
        strided.weights("wd", C, 1, 3, 3).weights("wp", 8, C, 1, 1);
        strided.node("Conv", List.of("x", "wd"), "d", Attribute.of("kernel_shape", new long[] {3, 3}),
                Attribute.of("pads", new long[] {1, 1, 1, 1}), Attribute.of("group", (long) C));
        strided.node("Conv", List.of("d", "wp"), "y", Attribute.of("kernel_shape", new long[] {1, 1}),
                Attribute.of("strides", new long[] {2, 2}));
        assertThat(G.ops(optimized(strided.output("y").model(), true))).containsExactly("Conv", "Conv");
    }

    /** Pointwise weights that callers override (a graph input): the node runs the two convolutions with them. */
    @Test
    void fedWeightsTakeTheSeparateConvolutions() {
        Model plain = block("batch", SIDE, 1, 8, true, false);
        Model fused = G.withInput(optimized(plain, true), "wp", 8, C, 1, 1);
        Model convs = G.withInput(optimized(plain, false), "wp", 8, C, 1, 1);
        Map<String, Value> feeds = new HashMap<>(input(1, SIDE));
        feeds.put("wp", G.random(new Random(9), 0.5, 8, C, 1, 1));
        G.assertSameBits(convs, fused, feeds);
        assertThat(G.runEngine(fused, feeds).floats()).isNotEqualTo(G.runEngine(optimized(plain, true), input(1, SIDE)).floats());
    }

    @Test
    void malformedNodeIsAClearError() {
        Model fused = optimized(block("batch", SIDE, 1, 8, true, false), true);
        Node n = fused.graph().nodes().get(0);
        Model broken = G.withNodes(fused, List.of(new Node(n.name(), n.opType(), n.domain(), n.inputs().subList(0, 4), n.outputs(),
                n.attributes())));
        assertThatThrownBy(() -> G.runEngine(broken, input(1, SIDE)))
                .isInstanceOfSatisfying(GhostFlowException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_GRAPH))
                .hasMessageContaining(n.name()).hasMessageContaining("Wd, Bd, Wp, Bp");
    }

}
