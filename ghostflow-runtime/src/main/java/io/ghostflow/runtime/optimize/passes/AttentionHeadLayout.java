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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Multi-head attention as exported from [B, S, H, D] projections:
 * {@code Transpose(Attention(Transpose(q, 0213), Transpose(k, 0231), Transpose(v, 0213), mask), 0213)}
 * becomes one Attention with {@code bshd = 1} that reads q, k, v in place and writes [B, S, H, Dv],
 * so the four head Transposes (copies) go. Each Transpose must feed only the Attention, and the
 * Attention only the output Transpose.
 */
public final class AttentionHeadLayout extends LoopPass {
    private static final long[] HEADS_FIRST = {0, 2, 1, 3};
    private static final long[] HEADS_FIRST_KT = {0, 2, 3, 1};

    @Override
    public String name() {
        return "attention-head-layout";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node att, PassContext ctx) {
        if (!Fused.isFused(att, "Attention") || att.getInt("bshd", 0) != 0 || att.inputs().size() < 3 || att.inputs().size() > 4) {
            return false;
        }
        Node tq = transpose(idx, att.input(0), HEADS_FIRST);
        Node tk = transpose(idx, att.input(1), HEADS_FIRST_KT);
        Node tv = transpose(idx, att.input(2), HEADS_FIRST);
        if (tq == null || tk == null || tv == null || !idx.singleUse(att.output(0))) {
            return false;
        }
        Node out = idx.consumers(att.output(0)).get(0);
        if (!Fused.is(out, "Transpose") || !Arrays.equals(out.getInts("perm", null), HEADS_FIRST)) {
            return false;
        }
        if (Fused.notFloat(ctx, tq.input(0)) || Fused.notFloat(ctx, tk.input(0)) || Fused.notFloat(ctx, tv.input(0))) {
            return false;
        }
        List<String> inputs = new ArrayList<>(List.of(tq.input(0), tk.input(0), tv.input(0)));
        if (att.inputs().size() == 4) {
            inputs.add(att.input(3));
        }
        Map<String, Attribute> attrs = new HashMap<>(att.attributes());
        attrs.put("bshd", Attribute.of("bshd", 1L));
        Node fused = new Node(att.name(), "Attention", FusedOps.DOMAIN, inputs, List.of(out.output(0)), attrs);
        Rewrites.replaceChain(g, List.of(tq, tk, tv, att, out), fused);
        return true;
    }

    /** The Transpose with exactly {@code perm} producing {@code value} for one reader, else null. */
    private static Node transpose(GraphIndex idx, String value, long[] perm) {
        if (!idx.singleUse(value)) {
            return null;
        }
        Node n = idx.producer(value);
        return Fused.is(n, "Transpose") && Arrays.equals(n.getInts("perm", null), perm) ? n : null;
    }
}
