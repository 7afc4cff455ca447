package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.FusedOps;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;
import io.ghostflow.runtime.optimize.Rewrites;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dense layers of dynamically quantized models (as ONNX Runtime's quantizer writes them):
 * {@code DynamicQuantizeLinear(X) -> (Xq, s, z)}, then per layer
 * {@code Add(Mul(Cast<float>(MatMulInteger(Xq, W, z, wz)), Mul(s, ws)), bias)} with W, wz, ws
 * and bias initializers, become one GhostFlow DynamicQuantMatMul reading X, one output per
 * layer: the layers reading the same X (attention's Q, K and V) share one quantization and one
 * integer GEMM. A layer joins only when its intermediate values have no other reader; the
 * DynamicQuantizeLinear goes when nothing else reads it. The Add is optional, and so is the
 * scale Mul (the output Mul by s itself means a weight scale of 1, exact in float).
 */
public final class DynamicQuantMatMulFusion extends LoopPass {
    @Override
    public String name() {
        return "dynamic-quant-matmul-fusion";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    /** One matched layer: its nodes (to remove), the fused node's four inputs and its output. */
    private record Layer(List<Node> nodes, DType wType, int k, String w, String wZero, String wScale, Tensor wScaleOne,
                         String bias, String output) {
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node dql, PassContext ctx) {
        // no type check on X: DynamicQuantizeLinear takes FLOAT only (and static type guesses can be wrong)
        if (!Fused.is(dql, "DynamicQuantizeLinear") || dql.outputs().size() != 3) {
            return false;
        }
        String q = dql.output(0);
        List<Layer> layers = new ArrayList<>();
        for (Node mmi : new LinkedHashSet<>(idx.consumers(q))) {
            Layer l = match(g, idx, dql, mmi);
            // one GEMM needs one weight type and depth: layers unlike the first wait for the next round
            if (l != null && (layers.isEmpty() || (l.wType() == layers.get(0).wType() && l.k() == layers.get(0).k()))) {
                layers.add(l);
            }
        }
        if (layers.isEmpty()) {
            return false;
        }
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Set<Node> removed = new HashSet<>();
        inputs.add(dql.input(0));
        for (Layer l : layers) {
            String ws = l.wScaleOne() != null ? Rewrites.addConstant(g, idx, l.w() + "_unit_scale", l.wScaleOne()) : l.wScale();
            inputs.addAll(List.of(l.w(), l.wZero(), ws, l.bias()));
            outputs.add(l.output());
            removed.addAll(l.nodes());
        }
        Node fused = new Node(layers.get(0).nodes().get(0).name() + "/dynamic_quant_fused", "DynamicQuantMatMul",
                FusedOps.DOMAIN, inputs, outputs, Map.of());
        // X and initializers are all the fused node reads, and X is ready where the quantization runs
        int at = g.nodes().indexOf(dql);
        g.nodes().add(at, fused);
        g.nodes().removeAll(removed);
        if (unread(idx, dql, removed)) {
            g.nodes().remove(dql);
        }
        ctx.useFusedDomain();
        return true;
    }

    /** The layer starting at MatMulInteger {@code mmi} fed by {@code dql}, or null when it does not match. */
    private static Layer match(Graph g, GraphIndex idx, Node dql, Node mmi) {
        if (!Fused.is(mmi, "MatMulInteger") || mmi.inputs().size() < 3 || !mmi.input(0).equals(dql.output(0))
                || !mmi.input(2).equals(dql.output(2))) {
            return null;
        }
        Tensor w = init(g, idx, mmi.input(1));
        if (w == null || w.rank() != 2 || (w.dtype() != DType.INT8 && w.dtype() != DType.UINT8)) {
            return null;
        }
        int n = w.dim(1);
        String wZero = mmi.hasInput(3) ? mmi.input(3) : "";
        if (!wZero.isEmpty()) {
            Tensor wz = init(g, idx, wZero);
            if (wz == null || wz.dtype() != w.dtype() || !perColumn(wz, n)) {
                return null;
            }
        }
        Node cast = only(idx, mmi.output(0));
        if (!Fused.is(cast, "Cast") || cast.getInt("to", 0) != DType.FLOAT.onnxCode()) {
            return null;
        }
        Node mul = only(idx, cast.output(0));
        if (!Fused.is(mul, "Mul") || mul.inputs().size() != 2 || mul.input(0).equals(mul.input(1))) {
            return null;
        }
        String scale = mul.input(0).equals(cast.output(0)) ? mul.input(1) : mul.input(0);
        List<Node> nodes = new ArrayList<>(List.of(mmi, cast, mul));
        String wScale = null;
        Tensor unit = null;
        if (scale.equals(dql.output(1))) {
            unit = Tensor.of(new float[] {1f});
        } else {
            Node sm = idx.producer(scale);
            if (!Fused.is(sm, "Mul") || !idx.singleUse(scale) || sm.inputs().size() != 2) {
                return null;
            }
            int side = sm.input(0).equals(dql.output(1)) ? 0 : sm.input(1).equals(dql.output(1)) ? 1 : -1;
            Tensor ws = side < 0 ? null : init(g, idx, sm.input(1 - side));
            if (ws == null || ws.dtype() != DType.FLOAT || !perColumn(ws, n)) {
                return null;
            }
            wScale = sm.input(1 - side);
            nodes.add(sm);
        }
        String out = mul.output(0);
        String bias = "";
        Node add = only(idx, out);
        if (Fused.is(add, "Add") && add.inputs().size() == 2 && !add.input(0).equals(add.input(1))) {
            String b = add.input(0).equals(out) ? add.input(1) : add.input(0);
            Tensor bt = init(g, idx, b);
            if (bt != null && bt.dtype() == DType.FLOAT && perColumn(bt, n)) {
                bias = b;
                out = add.output(0);
                nodes.add(add);
            }
        }
        return new Layer(nodes, w.dtype(), w.dim(0), mmi.input(1), wZero, wScale, unit, bias, out);
    }

    /** The one node reading {@code value} when nothing else (graph outputs included) does, else null. */
    private static Node only(GraphIndex idx, String value) {
        return idx.singleUse(value) ? idx.consumers(value).get(0) : null;
    }

    /** An initializer callers cannot override, else null. */
    private static Tensor init(Graph g, GraphIndex idx, String name) {
        return name.isEmpty() || idx.isGraphInput(name) ? null : g.initializers().get(name);
    }

    /** One value, or one per column as a vector: broadcasting it leaves the output shape alone. */
    private static boolean perColumn(Tensor t, int n) {
        return t.rank() <= 1 && (t.size() == 1 || t.size() == n);
    }

    /** True when no node outside {@code removed} and no graph output reads any output of {@code dql}. */
    private static boolean unread(GraphIndex idx, Node dql, Set<Node> removed) {
        for (String o : dql.outputs()) {
            if (o.isEmpty()) {
                continue;
            }
            if (idx.isGraphOutput(o) || !removed.containsAll(idx.consumers(o))) {
                return false;
            }
        }
        return true;
    }
}
