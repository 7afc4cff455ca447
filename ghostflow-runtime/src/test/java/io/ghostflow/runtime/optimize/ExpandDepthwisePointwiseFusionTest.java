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
import io.ghostflow.runtime.optimize.passes.ExpandDepthwisePointwiseFusion;
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
 * MobileNet's inverted-residual block: a pointwise expansion (bias, ReLU6) whose output only a
 * DepthwisePointwiseConv reads becomes one ExpandDepthwisePointwiseConv when the expanded tensor
 * outgrows L2 (48 x 80 x 80 floats here), with the separate nodes' results bit for bit; so does
 * a strided stem in the expansion's place.
 */
class ExpandDepthwisePointwiseFusionTest {
    private static final int K = 8;
    private static final int C = 48;
    private static final int SIDE = 80;

    /** x -> 1x1 to C -> Clip(0, 6) -> depthwise 3x3 (stride s) -> Clip(0, 6) -> 1x1 to m (+ x when residual). */
    private static Model block(Object batch, int side, int stride, int m, boolean residual) {
        G g = new G().input("x", batch, K, side, side);
        g.weights("we", C, K, 1, 1).weights("be", C).weights("wd", C, 1, 3, 3).weights("bd", C).weights("wp", m, C, 1, 1)
                .weights("bp", m);
        g.node("Conv", List.of("x", "we", "be"), "e0", Attribute.of("kernel_shape", new long[] {1, 1}));
        g.scalar("lo", 0).scalar("hi", 6).node("Clip", List.of("e0", "lo", "hi"), "e");
        g.node("Conv", List.of("e", "wd", "bd"), "d0", Attribute.of("kernel_shape", new long[] {3, 3}),
                Attribute.of("pads", new long[] {1, 1, 1, 1}), Attribute.of("group", (long) C),
                Attribute.of("strides", new long[] {stride, stride}));
        g.node("Clip", List.of("d0", "lo", "hi"), "d");
        g.node("Conv", List.of("d", "wp", "bp"), residual ? "p" : "y", Attribute.of("kernel_shape", new long[] {1, 1}));
        if (residual) {
            g.node("Add", List.of("p", "x"), "y");
        }
        return g.output("y").model();
    }

    private static Model optimized(Model m, boolean withBlock) {
        List<GraphPass> passes = new ArrayList<>(List.of(new ConvResidualFusion(), new ConvActivationFusion(),
                new DepthwisePointwiseFusion()));
        if (withBlock) {
            passes.add(new ExpandDepthwisePointwiseFusion());
        }
        return G.optimize(m, passes.toArray(GraphPass[]::new)).model();
    }

    private static Map<String, Value> input(int batch, int side) {
        return G.feed("x", G.random(new Random(3), 1, batch, K, side, side));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void expansionThenPairBecomesOneNodeWithTheSameBits(int batch) {
        Model residual = block("batch", SIDE, 1, K, true);
        assertThat(G.ops(optimized(residual, false))).containsExactly("FusedConv", "DepthwisePointwiseConv");
        assertThat(G.ops(optimized(residual, true))).containsExactly("ExpandDepthwisePointwiseConv");
        G.assertSameBits(optimized(residual, false), optimized(residual, true), input(batch, SIDE));
        Model strided = block("batch", SIDE + 1, 2, 16, false);
        assertThat(G.ops(optimized(strided, true))).containsExactly("ExpandDepthwisePointwiseConv");
        G.assertSameBits(optimized(strided, false), optimized(strided, true), input(batch, SIDE + 1));
    }

    /** MobileNet's stem (3 -> 32 channels, 3x3 at stride 2) in the expansion's place, feeding block 1's pair. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void stemThenPairBecomesOneNodeWithTheSameBits(int batch) {
        G g = new G().input("x", "batch", 3, 200, 200);
        g.weights("ws", 32, 3, 3, 3).weights("bs", 32).weights("wd", 32, 1, 3, 3).weights("bd", 32).weights("wp", 16, 32, 1, 1)
                .weights("bp", 16);
        g.node("Conv", List.of("x", "ws", "bs"), "s0", Attribute.of("kernel_shape", new long[] {3, 3}),
                Attribute.of("pads", new long[] {1, 1, 1, 1}), Attribute.of("strides", new long[] {2, 2}));
        g.scalar("lo", 0).scalar("hi", 6).node("Clip", List.of("s0", "lo", "hi"), "s");
        g.node("Conv", List.of("s", "wd", "bd"), "d0", Attribute.of("kernel_shape", new long[] {3, 3}),
                Attribute.of("pads", new long[] {1, 1, 1, 1}), Attribute.of("group", 32L));
        g.node("Clip", List.of("d0", "lo", "hi"), "d");
        g.node("Conv", List.of("d", "wp", "bp"), "y", Attribute.of("kernel_shape", new long[] {1, 1}));
        Model m = g.output("y").model();
        assertThat(G.ops(optimized(m, false))).containsExactly("FusedConv", "DepthwisePointwiseConv");
        assertThat(G.ops(optimized(m, true))).containsExactly("ExpandDepthwisePointwiseConv");
        G.assertSameBits(optimized(m, false), optimized(m, true), G.feed("x", G.random(new Random(4), 1, batch, 3, 200, 200)));
    }

    @Test
    void smallExpansionsRunApart() {
        // known to fit L2: the nodes stay apart
        assertThat(G.ops(optimized(block(1, 20, 1, K, false), true))).containsExactly("FusedConv", "FusedConv", "Conv");
        // a symbolic batch fuses; the node then runs the expansion and the pair one after the other
        Model m = block("batch", 20, 1, K, true);
        assertThat(G.ops(optimized(m, true))).containsExactly("ExpandDepthwisePointwiseConv");
        G.assertSameBits(optimized(m, false), optimized(m, true), input(1, 20));
    }

    @Test
    void leavesExpansionsReadElsewhere() {
        Model alsoOutput = G.alsoOutput(block("batch", SIDE, 1, K, false), "e");
        assertThat(G.ops(optimized(alsoOutput, true))).containsExactly("FusedConv", "DepthwisePointwiseConv");
    }

    /** Expansion weights that callers override (a graph input): the node runs the separate kernels with them. */
    @Test
    void fedWeightsTakeTheSeparateNodes() {
        Model plain = block("batch", SIDE, 1, K, true);
        Model fused = G.withInput(optimized(plain, true), "we", C, K, 1, 1);
        Model separate = G.withInput(optimized(plain, false), "we", C, K, 1, 1);
        Map<String, Value> feeds = new HashMap<>(input(1, SIDE));
        feeds.put("we", G.random(new Random(9), 0.5, C, K, 1, 1));
        G.assertSameBits(separate, fused, feeds);
        assertThat(G.runEngine(fused, feeds).floats()).isNotEqualTo(G.runEngine(optimized(plain, true), input(1, SIDE)).floats());
    }

    @Test
    void malformedNodeIsAClearError() {
        Model fused = optimized(block("batch", SIDE, 1, K, false), true);
        Node n = fused.graph().nodes().get(0);
        Model broken = G.withNodes(fused, List.of(new Node(n.name(), n.opType(), n.domain(), n.inputs().subList(0, 5), n.outputs(),
                n.attributes())));
        assertThatThrownBy(() -> G.runEngine(broken, input(1, SIDE)))
                .isInstanceOfSatisfying(GhostFlowException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_GRAPH))
                .hasMessageContaining(n.name()).hasMessageContaining("We, Be, Wd, Bd, Wp, Bp");
    }

}
