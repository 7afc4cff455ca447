package io.ghostflow.runtime.optimize;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.ghostflow.runtime.optimize.passes.DynamicQuantMatMulEpilogueFusion;
import io.ghostflow.runtime.optimize.passes.DynamicQuantMatMulFusion;
import io.ghostflow.runtime.optimize.passes.GeluFusion;
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

/**
 * The residual Add and the GELU after a one-layer DynamicQuantMatMul move into its epilogue:
 * the rewrite, what it must leave alone, and bit-for-bit equality with the graph where the Add
 * and the Gelu op run on their own (the product itself is checked against the unfused chain in
 * DynamicQuantMatMulFusionTest).
 */
class DynamicQuantMatMulEpilogueFusionTest {
    private static final OpRegistry REG = OpRegistry.defaults();

    /** x [batch, seq, k] quantized dynamically, one dense layer of n columns into "y", then what the test adds. */
    private static final class G {
        final List<Node> nodes = new ArrayList<>();
        final List<ValueInfo> inputs = new ArrayList<>();
        final List<ValueInfo> outputs = new ArrayList<>();
        final Map<String, Tensor> inits = new LinkedHashMap<>();
        final int k;
        final int n;

        G(int k, int n, long seed) {
            this.k = k;
            this.n = n;
            Random rnd = new Random(seed);
            inputs.add(new ValueInfo("x", ValueType.tensor(DType.FLOAT, List.of(Dim.symbolic("batch"), Dim.symbolic("seq"), Dim.of(k)))));
            inputs.add(new ValueInfo("r", ValueType.tensor(DType.FLOAT, List.of(Dim.symbolic("batch"), Dim.symbolic("seq"), Dim.of(n)))));
            byte[] w = new byte[k * n];
            rnd.nextBytes(w);
            float[] b = new float[n];
            for (int i = 0; i < n; i++) {
                b[i] = (float) rnd.nextGaussian();
            }
            inits.put("w", Tensor.ofArray(DType.INT8, w, k, n));
            inits.put("wz", Tensor.ofArray(DType.INT8, new byte[] {0}));
            inits.put("ws", Tensor.of(new float[] {2e-3f}).reshape());
            inits.put("b", Tensor.of(b, n));
            inits.put("sqrt2", Tensor.of(new float[] {(float) Math.sqrt(2)}).reshape());
            inits.put("one", Tensor.of(new float[] {1f}).reshape());
            inits.put("half", Tensor.of(new float[] {0.5f}).reshape());
            nodes.add(new Node("dql", "DynamicQuantizeLinear", List.of("x"), List.of("xq", "xs", "xz")));
            node("Mul", List.of("xs", "ws"), "sc");
            node("MatMulInteger", List.of("xq", "w", "xz", "wz"), "i");
            nodes.add(new Node("cast", "Cast", "", List.of("i"), List.of("f"), Map.of("to", Attribute.of("to", 1L))));
            node("Mul", List.of("f", "sc"), "m");
            node("Add", List.of("b", "m"), "y");
        }

        G node(String op, List<String> ins, String out) {
            nodes.add(new Node(out + "_node", op, ins, List.of(out)));
            return this;
        }

        /** 0.5 * v * (1 + Erf(v / sqrt 2)) into out, as exporters write GELU. */
        G gelu(String v, String out) {
            node("Div", List.of(v, "sqrt2"), out + "_d");
            node("Erf", List.of(out + "_d"), out + "_e");
            node("Add", List.of(out + "_e", "one"), out + "_a");
            node("Mul", List.of(v, out + "_a"), out + "_m");
            return node("Mul", List.of(out + "_m", "half"), out);
        }

        G output(String name) {
            outputs.add(new ValueInfo(name, ValueType.tensor(DType.FLOAT, null)));
            return this;
        }

        Model model() {
            return new Model(new Graph("g", nodes, inputs, outputs, inits, Map.of()), new HashMap<>(Map.of("", 17)), 8, "test", "", Map.of(), null);
        }
    }

    /** The layer fused and GELU as its own op: what the epilogue fusion starts from. */
    private static Model base(Model m) {
        return GraphOptimizer.run(m, SessionOptions.defaults(), REG, List.of(new DynamicQuantMatMulFusion(), new GeluFusion())).model();
    }

    private static Model fused(Model m) {
        return GraphOptimizer.run(m, SessionOptions.defaults(), REG,
                List.of(new DynamicQuantMatMulFusion(), new GeluFusion(), new DynamicQuantMatMulEpilogueFusion())).model();
    }

    private static List<String> ops(Model m) {
        return m.graph().nodes().stream().map(Node::opType).toList();
    }

    private static Map<String, Value> run(Model m, Map<String, Tensor> feeds, int threads) {
        var settings = new CompiledGraph.Settings(REG, m.opsets(), threads);
        return new CompiledGraph(m.graph(), settings, Set.of()).run(feeds, null, null);
    }

    private static void assertBitEqual(Model before, Model after, G g, Random rnd, int batch, int seq, int threads) {
        Map<String, Tensor> feeds = Map.of("x", random(rnd, batch, seq, g.k), "r", random(rnd, batch, seq, g.n));
        Map<String, Value> a = run(before, feeds, threads);
        Map<String, Value> b = run(after, feeds, threads);
        assertThat(b.keySet()).containsExactlyInAnyOrderElementsOf(a.keySet());
        for (String name : a.keySet()) {
            Tensor e = (Tensor) a.get(name);
            Tensor t = (Tensor) b.get(name);
            assertThat(t.shape()).as(name).containsExactly(e.shape());
            for (int i = 0; i < e.size(); i++) {
                assertThat(Float.floatToRawIntBits(t.floats()[i])).as(name + "[" + i + "]: " + e.floats()[i] + " vs " + t.floats()[i])
                        .isEqualTo(Float.floatToRawIntBits(e.floats()[i]));
            }
        }
    }

    private static Tensor random(Random rnd, int batch, int seq, int width) {
        float[] v = new float[batch * seq * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return Tensor.of(v, batch, seq, width);
    }

    @Test
    void residualThenGeluJoinTheProductAndKeepTheirBits() {
        // ragged width (29): the epilogue's scalar tail and GeluLoops' padded tail both run
        G g = new G(37, 29, 1);
        g.node("Add", List.of("r", "y"), "s").gelu("s", "out").output("out");
        Model m = g.model();
        Model f = fused(m);
        assertThat(ops(f)).containsExactly("DynamicQuantMatMul");
        assertThat(f.graph().nodes().get(0).inputs()).hasSize(6).endsWith("r");
        assertThat(f.graph().nodes().get(0).getString("activation", "NONE")).isEqualTo("GELU");
        Random rnd = new Random(2);
        Model b = base(m);
        assertThat(ops(b)).containsExactly("DynamicQuantMatMul", "Add", "Gelu");
        for (int[] s : new int[][] {{1, 1}, {1, 7}, {2, 5}}) {
            assertBitEqual(b, f, g, rnd, s[0], s[1], 1);
        }
        assertBitEqual(b, f, g, rnd, 2, 300, 2);
    }

    @Test
    void residualAloneAndGeluAloneFuse() {
        G res = new G(64, 48, 3);
        res.node("Add", List.of("y", "r"), "out").output("out");
        Model m = res.model();
        assertThat(ops(fused(m))).containsExactly("DynamicQuantMatMul");
        assertBitEqual(base(m), fused(m), res, new Random(4), 1, 9, 1);

        G act = new G(64, 48, 5);
        act.gelu("y", "out").output("out");
        Model a = act.model();
        assertThat(ops(fused(a))).containsExactly("DynamicQuantMatMul");
        assertBitEqual(base(a), fused(a), act, new Random(6), 1, 9, 1);
    }

    @Test
    void residualAfterTheActivationStaysAnAdd() {
        // gelu(y) + r is not gelu(y + r)
        G g = new G(16, 8, 7);
        g.gelu("y", "h").node("Add", List.of("h", "r"), "out").output("out");
        Model m = g.model();
        Model f = fused(m);
        assertThat(ops(f)).containsExactly("DynamicQuantMatMul", "Add");
        assertBitEqual(base(m), f, g, new Random(8), 1, 5, 1);
    }

    @Test
    void leavesOtherActivationsSharedProductsAndBroadcastingResiduals() {
        G tanh = new G(16, 8, 9);
        tanh.node("Tanh", List.of("y"), "out").output("out");
        assertThat(ops(fused(tanh.model()))).containsExactly("DynamicQuantMatMul", "Tanh");

        G shared = new G(16, 8, 10);
        shared.node("Add", List.of("y", "r"), "out").output("out").output("y");
        assertThat(ops(fused(shared.model()))).containsExactly("DynamicQuantMatMul", "Add");

        G bcast = new G(16, 8, 11);
        bcast.inits.put("row", Tensor.of(new float[8], 8));
        bcast.node("Add", List.of("y", "row"), "out").output("out");
        assertThat(ops(fused(bcast.model()))).containsExactly("DynamicQuantMatMul", "Add");
    }
}
