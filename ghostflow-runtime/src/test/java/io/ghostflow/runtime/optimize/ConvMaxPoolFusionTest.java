package io.ghostflow.runtime.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.optimize.passes.ConvActivationFusion;
import io.ghostflow.runtime.optimize.passes.ConvMaxPoolFusion;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A CNN stem: a shallow strided convolution (bias, ReLU) whose output only a max pool reads
 * becomes one ConvMaxPool that runs the pair in bands of rows, with the separate nodes' results
 * bit for bit (on the engine's kernels, two threads, so a thread boundary splits the bands).
 */
class ConvMaxPoolFusionTest {
    /** Stem geometry: input channels, convolution kernel, stride, pads; pool window, strides, pads, ceil mode. */
    private record Stem(int c, int k, int stride, int pad, int poolH, int poolW, int poolStrideH, int poolPad, boolean ceil) {
    }

    private static final Stem SQUEEZENET = new Stem(3, 3, 2, 0, 3, 3, 2, 0, true);
    private static final Stem RESNET = new Stem(3, 7, 2, 3, 3, 3, 2, 1, false);

    /** x [batch, c, side, side] -> Conv (m channels, bias when asked) -> Relu (when asked) -> MaxPool -> y. */
    private static G stem(Object batch, int side, int m, Stem s, boolean bias, boolean relu) {
        G g = new G().input("x", batch, s.c(), side, side);
        g.weights("w", m, s.c(), s.k(), s.k()).weights("b", m);
        g.node("Conv", bias ? List.of("x", "w", "b") : List.of("x", "w"), relu ? "c0" : "c",
                Attribute.of("kernel_shape", new long[] {s.k(), s.k()}),
                Attribute.of("pads", new long[] {s.pad(), s.pad(), s.pad(), s.pad()}),
                Attribute.of("strides", new long[] {s.stride(), s.stride()}));
        if (relu) {
            g.node("Relu", List.of("c0"), "c");
        }
        g.node("MaxPool", List.of("c"), "y", Attribute.of("kernel_shape", new long[] {s.poolH(), s.poolW()}),
                Attribute.of("strides", new long[] {s.poolStrideH(), 2}),
                Attribute.of("pads", new long[] {s.poolPad(), s.poolPad(), s.poolPad(), s.poolPad()}),
                Attribute.of("ceil_mode", s.ceil() ? 1L : 0L));
        return g;
    }

    private static Model model(Object batch, int side, int m, Stem s) {
        return stem(batch, side, m, s, true, true).output("y").model();
    }

    private static Model optimized(Model m, boolean withPair) {
        List<GraphPass> passes = new ArrayList<>(List.of(new ConvActivationFusion()));
        if (withPair) {
            passes.add(new ConvMaxPoolFusion());
        }
        return G.optimize(m, passes.toArray(GraphPass[]::new)).model();
    }

    private static Map<String, Value> input(int batch, int c, int side) {
        return G.feed("x", G.random(new Random(3), 1, batch, c, side, side));
    }

    @Test
    void squeezenetAndResnetStemsBecomeOneNodeWithTheSameBits() {
        for (Stem s : new Stem[] {SQUEEZENET, RESNET}) {
            for (int batch : new int[] {1, 2}) {
                Model m = model("batch", 67, 16, s);
                assertThat(G.ops(optimized(m, false))).containsExactly("FusedConv", "MaxPool");
                assertThat(G.ops(optimized(m, true))).containsExactly("ConvMaxPool");
                G.assertSameBits(optimized(m, false), optimized(m, true), input(batch, s.c(), 67));
            }
        }
    }

    /**
     * Geometries around the band edges: pool windows 2 or 3 wide, row strides 1 to 3, padding, ceil
     * mode; convolutions 3x3 and 5x5 with strides 2 and 3; channel counts that end in a 4-row panel;
     * sides that leave a short last band; no bias and no activation. The 1x1 stride-2 convolution
     * without padding is not a StridedConv one (it subsamples): the node runs the separate kernels.
     */
    @ParameterizedTest
    @CsvSource({
        "3, 3, 2, 1, 3, 3, 2, 1, false, 12, 67, true, true",
        "3, 3, 2, 0, 2, 2, 2, 0, false, 8, 70, true, false",
        "2, 5, 2, 2, 3, 2, 2, 1, true, 20, 69, false, true",
        "4, 3, 3, 1, 3, 3, 1, 0, false, 4, 100, true, true",
        "3, 1, 2, 0, 3, 3, 2, 1, true, 8, 70, true, true",
        "1, 3, 2, 1, 2, 3, 2, 0, true, 16, 66, false, false",
        "3, 3, 2, 0, 3, 3, 3, 1, false, 8, 100, true, true",
    })
    void geometriesMatchTheSeparateNodes(int c, int k, int stride, int pad, int poolH, int poolW, int poolStrideH,
                                               int poolPad, boolean ceil, int m, int side, boolean bias, boolean relu) {
        Stem s = new Stem(c, k, stride, pad, poolH, poolW, poolStrideH, poolPad, ceil);
        Model model = stem(1, side, m, s, bias, relu).output("y").model();
        assertThat(G.ops(optimized(model, true))).containsExactly("ConvMaxPool");
        G.assertSameBits(optimized(model, false), optimized(model, true), input(1, c, side));
    }

    /** A NaN or an infinity in the convolution's output: the node runs the separate kernels, which decide those windows. */
    @Test
    void nonFiniteValuesTakeTheSeparateNodes() {
        Model m = model(1, 67, 16, SQUEEZENET);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            Tensor x = G.random(new Random(5), 1, 1, 3, 67, 67);
            x.floats()[3 * 67 * 67 - 200] = bad;
            Map<String, Value> feeds = G.feed("x", x);
            G.assertSameBits(optimized(m, false), optimized(m, true), feeds);
        }
        Tensor x = G.random(new Random(5), 1, 1, 3, 67, 67);
        x.floats()[40 * 67 + 20] = Float.NaN;
        Tensor y = G.runEngine(optimized(m, true), G.feed("x", x));
        assertThat(y.floats()).contains(Float.NaN);
    }

    @Test
    void leavesOtherPairs() {
        // the convolution's output also a graph output
        Model alsoOutput = G.alsoOutput(model("batch", 67, 16, SQUEEZENET), "c");
        assertThat(G.ops(optimized(alsoOutput, true))).containsExactly("FusedConv", "MaxPool");
        // stride-1 convolution (not a stem), pool 4 wide, pool with column stride 1, convolution too deep (32 x 7 x 7)
        assertThat(G.ops(optimized(model(1, 40, 8, new Stem(3, 3, 1, 1, 3, 3, 2, 0, false)), true)))
                .containsExactly("FusedConv", "MaxPool");
        assertThat(G.ops(optimized(model(1, 40, 8, new Stem(3, 3, 2, 1, 3, 4, 2, 0, false)), true)))
                .containsExactly("FusedConv", "MaxPool");
        assertThat(G.ops(optimized(model(1, 40, 8, new Stem(32, 7, 2, 3, 3, 3, 2, 1, false)), true)))
                .containsExactly("FusedConv", "MaxPool");
        G unitStride = stem(1, 40, 8, SQUEEZENET, true, true);
        Model pooledStride1 = withPoolStrides(unitStride.output("y").model(), 1);
        assertThat(G.ops(optimized(pooledStride1, true))).containsExactly("FusedConv", "MaxPool");
        // a pool that also returns Indices
        Model withIndices = withIndices(model(1, 40, 8, SQUEEZENET));
        assertThat(G.ops(optimized(withIndices, true))).containsExactly("FusedConv", "MaxPool");
    }

    /** Weights that callers override (a graph input): the node runs the separate kernels with them. */
    @Test
    void fedWeightsTakeTheSeparateNodes() {
        Model plain = model("batch", 67, 16, SQUEEZENET);
        Model fused = G.withInput(optimized(plain, true), "w", 16, 3, 3, 3);
        Model separate = G.withInput(optimized(plain, false), "w", 16, 3, 3, 3);
        Map<String, Value> feeds = new HashMap<>(input(1, 3, 67));
        feeds.put("w", G.random(new Random(9), 0.5, 16, 3, 3, 3));
        G.assertSameBits(separate, fused, feeds);
        assertThat(G.runEngine(fused, feeds).floats())
                .isNotEqualTo(G.runEngine(optimized(plain, true), input(1, 3, 67)).floats());
    }

    @Test
    void malformedNodeIsAClearError() {
        Model fused = optimized(model("batch", 67, 16, SQUEEZENET), true);
        Node n = fused.graph().nodes().get(0);
        Model broken = G.withNodes(fused, List.of(new Node(n.name(), n.opType(), n.domain(), List.of("x", "w", "b", "b"),
                n.outputs(), n.attributes())));
        assertThatThrownBy(() -> G.runEngine(broken, input(1, 3, 67)))
                .isInstanceOfSatisfying(GhostFlowException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_GRAPH))
                .hasMessageContaining(n.name()).hasMessageContaining("X, W and an optional B");
    }

    private static Model withPoolStrides(Model m, long columnStride) {
        List<Node> nodes = new ArrayList<>();
        for (Node n : m.graph().nodes()) {
            if (n.opType().equals("MaxPool")) {
                Map<String, Attribute> a = new HashMap<>(n.attributes());
                a.put("strides", Attribute.of("strides", new long[] {2, columnStride}));
                n = new Node(n.name(), n.opType(), n.domain(), n.inputs(), n.outputs(), a);
            }
            nodes.add(n);
        }
        return G.withNodes(m, nodes);
    }

    private static Model withIndices(Model m) {
        List<Node> nodes = new ArrayList<>();
        for (Node n : m.graph().nodes()) {
            if (n.opType().equals("MaxPool")) {
                n = new Node(n.name(), n.opType(), n.domain(), n.inputs(), List.of("y", "indices"), n.attributes());
            }
            nodes.add(n);
        }
        return G.withNodes(m, nodes);
    }

}
