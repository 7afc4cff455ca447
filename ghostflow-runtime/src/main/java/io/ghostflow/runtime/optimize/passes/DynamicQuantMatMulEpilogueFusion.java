package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.Activation;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;
import java.util.Arrays;

/**
 * What follows a one-layer DynamicQuantMatMul in a transformer block goes into its epilogue:
 * the residual {@code Add(y, r)} before the LayerNormalization (r becomes a last input) and the
 * GELU of the feed-forward layer (the activation attributes, GELU forms only: the kernel applies
 * them with the same vector code as the Gelu op, so the bits do not change). The residual joins
 * only before any activation (act(y) + r is not act(y + r)) and only when r has exactly the
 * product's shape, known statically or proved equal symbolically, as in MatMulResidualFusion.
 */
public final class DynamicQuantMatMulEpilogueFusion extends LoopPass {
    @Override
    public String name() {
        return "dynamic-quant-matmul-epilogue-fusion";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node n, PassContext ctx) {
        // one weight group (five inputs) or one group with its residual already (six)
        if (!Fused.isFused(n, "DynamicQuantMatMul") || n.outputs().size() != 1 || (n.inputs().size() != 5 && n.inputs().size() != 6)
                || Fused.activation(n).kind() != Activation.Kind.NONE) {
            return false;
        }
        String y = n.output(0);
        ActivationMatch act = ActivationMatch.after(y, idx);
        if (act != null && (act.activation().kind() == Activation.Kind.GELU || act.activation().kind() == Activation.Kind.GELU_TANH)) {
            Fused.setActivation(n, act.activation());
            n.outputs().set(0, act.last().output(0));
            g.nodes().removeAll(act.nodes());
            return true;
        }
        if (n.inputs().size() != 5 || !idx.singleUse(y)) {
            return false;
        }
        Node add = idx.consumers(y).get(0);
        if (!Fused.is(add, "Add") || add.inputs().size() != 2 || add.input(0).equals(add.input(1))) {
            return false;
        }
        String r = add.input(0).equals(y) ? add.input(1) : add.input(0);
        if (r.isEmpty() || Fused.notFloat(ctx, r) || !sameShape(g, ctx, y, r)) {
            return false;
        }
        n.inputs().add(r);
        n.outputs().set(0, add.output(0));
        // the product moves to the Add's place, after whatever computes the residual
        g.nodes().set(g.nodes().indexOf(add), n);
        g.nodes().remove(n);
        return true;
    }

    private static boolean sameShape(Graph g, PassContext ctx, String a, String b) {
        int[] sa = ctx.shapes().shape(a);
        if (sa != null && Arrays.equals(sa, ctx.shapes().shape(b))) {
            return true;
        }
        return FusedShapes.of(g, ctx.opsets()).provablyEqual(a, b);
    }
}
