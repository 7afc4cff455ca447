package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.FusedOps;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;
import io.ghostflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The decomposed layer norm of older exports, {@code m = ReduceMean(x); d = x - m;
 * v = ReduceMean(d^2); y = d / Sqrt(v + eps) * gamma + beta}, over the last axis, becomes one
 * GhostFlow LayerNormalization (one pass over each row instead of nine ops).
 */
public final class LayerNormFusion extends LoopPass {
    @Override
    public String name() {
        return "layernorm-fusion";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node mean, PassContext ctx) {
        if (Fused.is(mean, "LayerNormalization")) {
            return adoptStandard(mean, idx, ctx);
        }
        if (!Fused.is(mean, "ReduceMean") || !lastAxis(mean, idx, ctx) || !idx.singleUse(mean.output(0))) {
            return false;
        }
        String x = mean.input(0);
        if (Fused.notFloat(ctx, x)) {
            return false;
        }
        Node sub = idx.consumers(mean.output(0)).get(0);
        if (!Fused.is(sub, "Sub") || !sub.input(0).equals(x) || !sub.input(1).equals(mean.output(0))) {
            return false;
        }
        String d = sub.output(0);
        List<Node> dUsers = idx.consumers(d);
        if (idx.isGraphOutput(d) || dUsers.size() != 2) {
            return false;
        }
        Node pow = dUsers.stream().filter(u -> Fused.is(u, "Pow")).findFirst().orElse(null);
        Node div = dUsers.stream().filter(u -> Fused.is(u, "Div")).findFirst().orElse(null);
        if (pow == null || div == null || !pow.input(0).equals(d) || !Near.is(idx.scalar(pow.input(1)), 2) || !div.input(0).equals(d)) {
            return false;
        }
        Node var = single(idx, pow, "ReduceMean");
        if (var == null || !lastAxis(var, idx, ctx)) {
            return false;
        }
        Node addEps = single(idx, var, "Add");
        if (addEps == null) {
            return false;
        }
        double eps = idx.scalar(addEps.input(addEps.input(0).equals(var.output(0)) ? 1 : 0));
        Node sqrt = single(idx, addEps, "Sqrt");
        if (Double.isNaN(eps) || sqrt == null || !div.input(1).equals(sqrt.output(0)) || !idx.singleUse(sqrt.output(0))) {
            return false;
        }
        List<Node> chain = new ArrayList<>(List.of(mean, sub, pow, var, addEps, sqrt, div));
        String out = div.output(0);
        String scale = null;
        String bias = "";
        Node mul = single(idx, div, "Mul");
        if (mul != null) {
            String other = mul.input(0).equals(out) ? mul.input(1) : mul.input(0);
            Tensor gamma = idx.constant(other);
            if (gamma != null && gamma.rank() <= 1) {
                scale = other;
                chain.add(mul);
                out = mul.output(0);
                Node add = single(idx, mul, "Add");
                if (add != null) {
                    String o2 = add.input(0).equals(out) ? add.input(1) : add.input(0);
                    Tensor beta = idx.constant(o2);
                    if (beta != null && beta.rank() <= 1 && beta.size() == gamma.size()) {
                        bias = o2;
                        chain.add(add);
                        out = add.output(0);
                    }
                }
            }
        }
        if (scale == null) {
            return false;
        }
        Node ln = new Node(mean.name(), "LayerNormalization", FusedOps.DOMAIN, List.of(x, scale, bias), List.of(out),
                java.util.Map.of("axis", Attribute.of("axis", -1L), "epsilon", Attribute.of("epsilon", (float) eps)));
        ctx.useFusedDomain();
        io.ghostflow.runtime.optimize.Rewrites.replaceChain(g, chain, ln);
        return true;
    }

    /**
     * A standard LayerNormalization-17 whose Mean and InvStdDev outputs nobody reads runs on the
     * same fused row kernel (one pass per row, float only).
     */
    private static boolean adoptStandard(Node ln, GraphIndex idx, PassContext ctx) {
        for (int i = 1; i < ln.outputs().size(); i++) {
            String o = ln.output(i);
            if (!o.isEmpty() && (idx.isGraphOutput(o) || !idx.consumers(o).isEmpty())) {
                return false;
            }
        }
        io.ghostflow.tensor.DType t = ctx.shapes().type(ln.input(0));
        io.ghostflow.tensor.DType ts = ctx.shapes().type(ln.input(1));
        boolean notFloat = (t != null && t != io.ghostflow.tensor.DType.FLOAT) || (ts != null && ts != io.ghostflow.tensor.DType.FLOAT);
        if (notFloat || ln.getInt("stash_type", 1) != 1) {
            return false;
        }
        String out = ln.output(0);
        ln.outputs().clear();
        ln.outputs().add(out);
        ln.setDomain(FusedOps.DOMAIN);
        ctx.useFusedDomain();
        return true;
    }

    /** The single consumer of n's output when it is a standard {@code op} node, else null. */
    static Node single(GraphIndex idx, Node n, String op) {
        if (!idx.singleUse(n.output(0))) {
            return null;
        }
        Node c = idx.consumers(n.output(0)).get(0);
        return Fused.is(c, op) ? c : null;
    }

    private static boolean lastAxis(Node reduce, GraphIndex idx, PassContext ctx) {
        long[] axes = reduce.getInts("axes", null);
        if (axes == null && reduce.hasInput(1)) {
            Tensor t = idx.constant(reduce.input(1));
            axes = t == null ? null : t.asLongs();
        }
        if (axes == null || axes.length != 1 || reduce.getInt("keepdims", 1) != 1) {
            return false;
        }
        if (axes[0] == -1) {
            return true;
        }
        int[] shape = ctx.shapes().shape(reduce.input(0));
        return shape != null && axes[0] == shape.length - 1;
    }
}
