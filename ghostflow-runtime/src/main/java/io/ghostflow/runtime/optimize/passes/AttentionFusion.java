package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.FusedOps;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;
import io.ghostflow.runtime.optimize.Rewrites;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scaled dot-product attention, {@code MatMul(Softmax(MatMul(Q, Kt) * scale + mask), V)}, becomes
 * one GhostFlow Attention. Recognised spellings: the scale as Mul/Div after the first MatMul or
 * as Mul on Q and/or Kt before it (PyTorch's SDPA export), the mask Add optional, and the
 * {@code Where(IsNaN(p), 0, p)} guard after Softmax (becomes nan_to_zero).
 */
public final class AttentionFusion extends LoopPass {
    @Override
    public String name() {
        return "attention-fusion";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node softmax, PassContext ctx) {
        if (!Fused.is(softmax, "Softmax") || !lastAxis(softmax, ctx)) {
            return false;
        }
        List<Node> chain = new ArrayList<>();
        // ---- after softmax: optional NaN guard, then MatMul(p, V)
        String p = softmax.output(0);
        boolean nanToZero = false;
        List<Node> users = idx.consumers(p);
        if (idx.isGraphOutput(p)) {
            return false;
        }
        Node second;
        if (users.size() == 2) {
            Node isnan = users.stream().filter(u -> Fused.is(u, "IsNaN")).findFirst().orElse(null);
            Node where = users.stream().filter(u -> Fused.is(u, "Where")).findFirst().orElse(null);
            if (isnan == null || where == null || !where.input(0).equals(isnan.output(0)) || !where.input(2).equals(p)
                    || !idx.singleUse(isnan.output(0)) || idx.scalar(where.input(1)) != 0) {
                return false;
            }
            chain.add(isnan);
            chain.add(where);
            nanToZero = true;
            second = LayerNormFusion.single(idx, where, "MatMul");
            if (second == null || !second.input(0).equals(where.output(0))) {
                return false;
            }
        } else {
            second = LayerNormFusion.single(idx, softmax, "MatMul");
            if (second == null || !second.input(0).equals(p)) {
                return false;
            }
        }
        String v = second.input(1);
        // ---- before softmax: optional mask Add, optional scale, MatMul(q, kt)
        String in = softmax.input(0);
        String mask = "";
        Node n = producer(idx, in);
        if (Fused.is(n, "Add")) {
            Node left = producer(idx, n.input(0));
            Node right = producer(idx, n.input(1));
            int scoreSide = isScores(left) ? 0 : isScores(right) ? 1 : -1;
            if (scoreSide < 0) {
                return false;
            }
            mask = n.input(1 - scoreSide);
            chain.add(n);
            in = n.input(scoreSide);
            n = producer(idx, in);
        }
        double scale = 1;
        if (n != null && (Fused.is(n, "Mul") || Fused.is(n, "Div"))) {
            double c = idx.scalar(n.input(1));
            if (Double.isNaN(c)) {
                return false;
            }
            scale = Fused.is(n, "Div") ? 1 / c : c;
            chain.add(n);
            in = n.input(0);
            n = producer(idx, in);
        }
        if (!Fused.is(n, "MatMul")) {
            return false;
        }
        chain.add(n);
        String q = n.input(0);
        String kt = n.input(1);
        if (Fused.notFloat(ctx, q) || Fused.notFloat(ctx, kt) || Fused.notFloat(ctx, v)) {
            return false;
        }
        Node qs = producer(idx, q);
        if (Fused.is(qs, "Mul") && !Double.isNaN(idx.scalar(qs.input(1)))) {
            scale *= idx.scalar(qs.input(1));
            chain.add(qs);
            q = qs.input(0);
        }
        Node ks = producer(idx, kt);
        if (Fused.is(ks, "Mul") && !Double.isNaN(idx.scalar(ks.input(1)))) {
            scale *= idx.scalar(ks.input(1));
            chain.add(ks);
            kt = ks.input(0);
        }
        chain.add(softmax);
        chain.add(second);
        Map<String, Attribute> attrs = new HashMap<>();
        attrs.put("scale", Attribute.of("scale", (float) scale));
        attrs.put("nan_to_zero", Attribute.of("nan_to_zero", nanToZero ? 1L : 0L));
        List<String> inputs = mask.isEmpty() ? List.of(q, kt, v) : List.of(q, kt, v, mask);
        Node att = new Node(softmax.name(), "Attention", FusedOps.DOMAIN, inputs, List.of(second.output(0)), attrs);
        ctx.useFusedDomain();
        Rewrites.replaceChain(g, chain, att);
        return true;
    }

    /** Producer of a value read only by the pattern (single use), else null. */
    private static Node producer(GraphIndex idx, String value) {
        return idx.singleUse(value) ? idx.producer(value) : null;
    }

    private static boolean isScores(Node n) {
        return Fused.is(n, "MatMul") || Fused.is(n, "Mul") || Fused.is(n, "Div");
    }

    private static boolean lastAxis(Node softmax, PassContext ctx) {
        int opset = ctx.opsets().getOrDefault("", 13);
        if (!softmax.has("axis")) {
            return opset >= 13;
        }
        long axis = softmax.getInt("axis", -1);
        if (axis == -1) {
            return true;
        }
        int[] shape = ctx.shapes().shape(softmax.input(0));
        return shape != null && axis == shape.length - 1;
    }
}
