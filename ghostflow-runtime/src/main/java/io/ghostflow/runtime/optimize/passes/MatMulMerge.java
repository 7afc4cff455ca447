package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.Activation;
import io.ghostflow.runtime.ops.fused.FusedOps;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;
import io.ghostflow.runtime.optimize.Rewrites;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dense layers that read the same input (a transformer's Q, K and V projections) become one:
 * {@code FusedMatMul(x, Wq, bq), FusedMatMul(x, Wk, bk), FusedMatMul(x, Wv, bv)} ->
 * {@code Split(FusedMatMul(x, [Wq Wk Wv], [bq bk bv]), axis=-1)}. One GEMM of N = sum N_i packs
 * and streams x once instead of three times. Weights [K, N_i] must be constant 2-D float, biases
 * constant vectors of N_i (all present or all absent), activations equal, and no residual input.
 */
public final class MatMulMerge extends LoopPass {
    @Override
    public String name() {
        return "matmul-merge";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node n, PassContext ctx) {
        if (!candidate(n, idx) || Fused.notFloat(ctx, n.input(0))) {
            return false;
        }
        // the partners of n: same input, same K, same activation, bias alike
        Map<String, List<Node>> groups = new LinkedHashMap<>();
        for (Node c : idx.consumers(n.input(0))) {
            if (candidate(c, idx) && c.input(0).equals(n.input(0))) {
                List<Node> same = groups.computeIfAbsent(key(c, idx), k -> new ArrayList<>());
                if (!same.contains(c)) {
                    same.add(c);
                }
            }
        }
        List<Node> group = groups.get(key(n, idx));
        if (group == null || group.size() < 2 || group.get(0) != n) {
            return false;
        }
        merge(g, idx, group, ctx);
        return true;
    }

    /** A dense layer by a constant matrix (plain MatMul or FusedMatMul without residual). */
    private static boolean candidate(Node n, GraphIndex idx) {
        boolean plain = Fused.is(n, "MatMul");
        if (!plain && !(Fused.isFused(n, "FusedMatMul") && n.inputs().size() <= 3)) {
            return false;
        }
        Tensor w = idx.constant(n.input(1));
        if (w == null || w.rank() != 2 || w.dtype() != DType.FLOAT || n.outputs().size() != 1) {
            return false;
        }
        if (!n.hasInput(2)) {
            return true;
        }
        Tensor b = idx.constant(n.input(2));
        return b != null && b.dtype() == DType.FLOAT && b.rank() == 1 && b.size() == w.dim(1);
    }

    private static String key(Node n, GraphIndex idx) {
        Activation a = Fused.activation(n);
        return idx.constant(n.input(1)).dim(0) + "/" + n.hasInput(2) + "/" + a.kind() + "/" + a.a() + "/" + a.b();
    }

    private static void merge(Graph g, GraphIndex idx, List<Node> group, PassContext ctx) {
        Node first = group.get(0);
        int k = idx.constant(first.input(1)).dim(0);
        int total = 0;
        long[] sizes = new long[group.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = idx.constant(group.get(i).input(1)).dim(1);
            total += (int) sizes[i];
        }
        float[] w = new float[k * total];
        float[] b = first.hasInput(2) ? new float[total] : null;
        int col = 0;
        for (Node c : group) {
            float[] wi = idx.constant(c.input(1)).asFloats();
            int ni = wi.length / k;
            for (int r = 0; r < k; r++) {
                System.arraycopy(wi, r * ni, w, r * total + col, ni);
            }
            if (b != null) {
                System.arraycopy(idx.constant(c.input(2)).asFloats(), 0, b, col, ni);
            }
            col += ni;
        }
        String x = first.input(0);
        List<String> inputs = new ArrayList<>(List.of(x, Rewrites.addConstant(g, idx, first.input(1) + "/merged", Tensor.of(w, k, total))));
        if (b != null) {
            inputs.add(Rewrites.addConstant(g, idx, first.input(2) + "/merged", Tensor.of(b, total)));
        }
        String wide = idx.freshName(first.output(0) + "/merged");
        Node mm = FusedOps.node(first.name() + "/merged", "FusedMatMul", inputs, wide);
        Fused.activation(first).writeTo(mm.attributes());
        ctx.useFusedDomain();

        List<String> outs = new ArrayList<>();
        for (Node c : group) {
            outs.add(c.output(0));
        }
        Map<String, Attribute> attrs = new HashMap<>();
        attrs.put("axis", Attribute.of("axis", -1L));
        List<String> splitIn = new ArrayList<>(List.of(wide));
        if (ctx.opsets().getOrDefault("", 1) >= 13) {
            splitIn.add(Rewrites.addConstant(g, idx, wide + "/split", Tensor.ofLongs(sizes, sizes.length)));
        } else {
            attrs.put("split", Attribute.of("split", sizes));
        }
        Node split = new Node(first.name() + "/split", "Split", "", splitIn, outs, attrs);

        int at = g.nodes().indexOf(first);
        g.nodes().add(at, split);
        g.nodes().add(at, mm);
        g.nodes().removeAll(group);
    }
}
