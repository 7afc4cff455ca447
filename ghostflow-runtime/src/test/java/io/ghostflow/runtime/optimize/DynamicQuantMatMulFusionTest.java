package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.exec.CompiledGraph;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.optimize.passes.DynamicQuantMatMulFusion;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dynamically quantized dense layer chain (DynamicQuantizeLinear, MatMulInteger, Cast, Mul
 * by x_scale * w_scale, Add bias) fused into DynamicQuantMatMul: the rewrite, the cases it must
 * leave alone, and bit-for-bit equality with the unfused graph run by the production kernels.
 */
class DynamicQuantMatMulFusionTest {
    private static final OpRegistry REG = OpRegistry.defaults();

    /** Builds graphs with DynamicQuantizeLinear X -> (xq, xs, xz) and dense layers reading them. */
    private static final class Q {
        final List<Node> nodes = new ArrayList<>();
        final List<ValueInfo> inputs = new ArrayList<>();
        final List<ValueInfo> outputs = new ArrayList<>();
        final Map<String, Tensor> inits = new LinkedHashMap<>();
        final Random rnd = new Random(11);
        final int k;

        Q(int k) {
            this.k = k;
            inputs.add(new ValueInfo("x", ValueType.tensor(DType.FLOAT, List.of(Dim.symbolic("batch"), Dim.symbolic("seq"), Dim.of(k)))));
            nodes.add(new Node("dql", "DynamicQuantizeLinear", List.of("x"), List.of("xq", "xs", "xz")));
        }

        Tensor weights(DType t, int n) {
            byte[] b = new byte[k * n];
            rnd.nextBytes(b);
            return Tensor.ofArray(t, b, k, n);
        }

        Tensor floats(int n, double scale) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) ((rnd.nextDouble() + 0.1) * scale);
            }
            return Tensor.of(v, n);
        }

        /** A full layer p: W [k, n] of type t, zero point and scale of one value or n, a bias of n (null: no Add). */
        Q layer(String p, DType t, int n, Tensor zp, Tensor scale, Tensor bias) {
            inits.put(p + "_w", weights(t, n));
            inits.put(p + "_wz", zp);
            inits.put(p + "_ws", scale);
            node("Mul", List.of("xs", p + "_ws"), p + "_sc");
            node("MatMulInteger", List.of("xq", p + "_w", "xz", p + "_wz"), p + "_i");
            nodes.add(new Node(p + "_cast", "Cast", "", List.of(p + "_i"), List.of(p + "_f"), Map.of("to", Attribute.of("to", 1L))));
            node("Mul", List.of(p + "_f", p + "_sc"), p + "_m");
            if (bias != null) {
                inits.put(p + "_b", bias);
                node("Add", List.of(p + "_b", p + "_m"), p + "_y");
                output(p + "_y");
            } else {
                output(p + "_m");
            }
            return this;
        }

        Q layer(String p, int n) {
            return layer(p, DType.INT8, n, Tensor.ofArray(DType.INT8, new byte[] {3}), floats(1, 1e-3).reshape(), floats(n, 1));
        }

        Q node(String op, List<String> ins, String out) {
            nodes.add(new Node(out + "_node", op, ins, List.of(out)));
            return this;
        }

        Q output(String name) {
            outputs.add(new ValueInfo(name, ValueType.tensor(DType.FLOAT, null)));
            return this;
        }

        Model model() {
            return new Model(new Graph("q", nodes, inputs, outputs, inits, Map.of()), new HashMap<>(Map.of("", 17)), 8, "test", "", Map.of(), null);
        }
    }

    private static OptimizationReport fuse(Model m) {
        return GraphOptimizer.run(m, SessionOptions.defaults(), REG, List.of(new DynamicQuantMatMulFusion()));
    }

    private static List<String> ops(Model m) {
        return m.graph().nodes().stream().map(Node::opType).toList();
    }

    private static Map<String, Value> run(Model m, Tensor x, int threads) {
        var settings = new CompiledGraph.Settings(REG, m.opsets(), threads);
        return new CompiledGraph(m.graph(), settings, Set.of()).run(Map.of("x", x), null, null);
    }

    /** Every output of both models has the same shape and the same float bits. */
    private static void assertBitEqual(Model before, Model after, Tensor x, int threads) {
        Map<String, Value> a = run(before, x, threads);
        Map<String, Value> b = run(after, x, threads);
        assertThat(b.keySet()).containsExactlyInAnyOrderElementsOf(a.keySet());
        for (String name : a.keySet()) {
            Tensor e = (Tensor) a.get(name);
            Tensor g = (Tensor) b.get(name);
            assertThat(g.shape()).as(name).containsExactly(e.shape());
            for (int i = 0; i < e.size(); i++) {
                assertThat(Float.floatToRawIntBits(g.floats()[i])).as(name + "[" + i + "]: " + e.floats()[i] + " vs " + g.floats()[i])
                        .isEqualTo(Float.floatToRawIntBits(e.floats()[i]));
            }
        }
    }

    private static Tensor input(Random rnd, int batch, int seq, int k, double shift) {
        float[] v = new float[batch * seq * k];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() + shift);
        }
        return Tensor.of(v, batch, seq, k);
    }

    @Test
    void denseLayerBecomesOneNodeAndMatchesBitForBit() {
        Model m = new Q(37).layer("a", 29).model();
        Model f = fuse(m).model();
        assertThat(ops(f)).containsExactly("DynamicQuantMatMul");
        assertThat(f.opsets()).containsKey("io.ghostflow");
        Random rnd = new Random(3);
        for (int[] shape : new int[][] {{1, 1}, {1, 5}, {2, 7}, {3, 13}}) {
            assertBitEqual(m, f, input(rnd, shape[0], shape[1], 37, 0), 1);
            assertBitEqual(m, f, input(rnd, shape[0], shape[1], 37, 2.5), 1);
            assertBitEqual(m, f, input(rnd, shape[0], shape[1], 37, -1.5), 1);
        }
    }

    @Test
    void layersSharingTheirInputShareOneNodeAndStayExact() {
        Q q = new Q(64);
        q.layer("q", 48).layer("k", 48);
        // per-column zero point and scale, and no bias
        q.layer("v", DType.INT8, 40, Tensor.ofArray(DType.INT8, new byte[40], 40), q.floats(40, 1e-3), null);
        Model m = q.model();
        Model f = fuse(m).model();
        assertThat(ops(f)).containsExactly("DynamicQuantMatMul");
        assertThat(f.graph().nodes().get(0).outputs()).containsExactly("q_y", "k_y", "v_m");
        Random rnd = new Random(5);
        assertBitEqual(m, f, input(rnd, 1, 9, 64, 0.3), 1);
        // large enough for IntGemm to split rows over two threads
        assertBitEqual(m, f, input(rnd, 2, 300, 64, 0), 2);
    }

    @Test
    void weightsOfAnotherTypeGetTheirOwnNode() {
        Q q = new Q(16);
        q.layer("a", 8);
        q.layer("b", DType.UINT8, 12, Tensor.ofArray(DType.UINT8, new byte[] {(byte) 128}), q.floats(1, 1e-3), q.floats(12, 1));
        Model m = q.model();
        Model f = fuse(m).model();
        assertThat(ops(f)).containsExactly("DynamicQuantMatMul", "DynamicQuantMatMul");
        assertBitEqual(m, f, input(new Random(8), 1, 6, 16, 0), 1);
    }

    @Test
    void outputMulByTheInputScaleItselfMeansUnitWeightScale() {
        Q q = new Q(8);
        q.inits.put("w", q.weights(DType.INT8, 5));
        q.inits.put("wz", Tensor.ofArray(DType.INT8, new byte[] {-2}));
        q.node("MatMulInteger", List.of("xq", "w", "xz", "wz"), "i");
        q.nodes.add(new Node("cast", "Cast", "", List.of("i"), List.of("f"), Map.of("to", Attribute.of("to", 1L))));
        q.node("Mul", List.of("xs", "f"), "y").output("y");
        Model m = q.model();
        Model f = fuse(m).model();
        assertThat(ops(f)).containsExactly("DynamicQuantMatMul");
        assertBitEqual(m, f, input(new Random(9), 1, 4, 8, 1), 1);
    }

    @Test
    void edgeCasesOfTheQuantizationTakeTheGeneralCodeLikeTheUnfusedOp() {
        Model m = new Q(10).layer("a", 7).model();
        Model f = fuse(m).model();
        assertThat(ops(f)).containsExactly("DynamicQuantMatMul");
        assertBitEqual(m, f, Tensor.of(new float[30], 1, 3, 10), 1);
        float[] v = new float[30];
        java.util.Arrays.fill(v, 4f);
        assertBitEqual(m, f, Tensor.of(v, 1, 3, 10), 1);
        v[7] = Float.NaN;
        assertBitEqual(m, f, Tensor.of(v, 1, 3, 10), 1);
    }

    @Test
    void leavesLayerWithNonConstantWeights() {
        Q q = new Q(8).layer("a", 4);
        Tensor w = q.inits.remove("a_w");
        q.inputs.add(new ValueInfo("a_w", ValueType.tensor(DType.INT8, List.of(Dim.of(8), Dim.of(4)))));
        assertThat(w).isNotNull();
        Model m = q.model();
        assertThat(ops(fuse(m).model())).containsExactlyElementsOf(ops(m));
    }

    @Test
    void leavesLayerWhoseIntermediateHasAnotherReader() {
        Q q = new Q(8).layer("a", 4);
        q.node("Relu", List.of("a_f"), "r").output("r");
        Model m = q.model();
        assertThat(ops(fuse(m).model())).containsExactlyElementsOf(ops(m));
    }

    @Test
    void leavesQuantizationReadByOthersInPlace() {
        Q q = new Q(8).layer("a", 4).layer("b", 6);
        // layer b's product also feeds a second node: a fuses alone, the quantization stays for b
        q.node("Relu", List.of("b_f"), "r").output("r");
        Model m = q.model();
        Model f = fuse(m).model();
        assertThat(ops(f)).contains("DynamicQuantizeLinear", "DynamicQuantMatMul", "MatMulInteger");
        assertThat(ops(f).stream().filter("DynamicQuantMatMul"::equals)).hasSize(1);
        assertBitEqual(m, f, input(new Random(4), 1, 3, 8, 0), 1);
    }

    @Test
    void addWithASecondReaderOfTheProductStaysOutside() {
        Q q = new Q(8).layer("a", 4);
        q.node("Relu", List.of("a_m"), "r").output("r");
        Model m = q.model();
        Model f = fuse(m).model();
        assertThat(ops(f)).containsExactly("DynamicQuantMatMul", "Add", "Relu");
        assertBitEqual(m, f, input(new Random(6), 1, 5, 8, 0), 1);
    }
}
