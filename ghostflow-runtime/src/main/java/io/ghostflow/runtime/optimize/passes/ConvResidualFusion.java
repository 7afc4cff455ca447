package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.Activation;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;

/**
 * {@code Add(Conv(x), r)} -> FusedConv(x, W, B, r): the residual is added in the convolution's
 * epilogue (ResNet's skip connection); a following Relu is then taken by ConvActivationFusion.
 */
public final class ConvResidualFusion extends LoopPass {
    @Override
    public String name() {
        return "conv-residual-fusion";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node add, PassContext ctx) {
        if (!Fused.is(add, "Add")) {
            return false;
        }
        for (int side = 1; side >= 0; side--) {
            Node conv = idx.producer(add.input(side));
            boolean ok = (Fused.is(conv, "Conv") && ConvActivationFusion.is2d(conv, idx))
                    || (Fused.isFused(conv, "FusedConv") && Fused.activation(conv).kind() == Activation.Kind.NONE && !conv.hasInput(3));
            if (!ok || !idx.singleUse(add.input(side)) || idx.constant(add.input(1 - side)) != null) {
                continue;
            }
            if (Fused.notFloat(ctx, conv.input(0)) || Fused.notFloat(ctx, add.input(1 - side))) {
                continue;
            }
            // the residual must exist before the conv runs its epilogue; any graph value does
            Fused.promote(conv);
            ctx.useFusedDomain();
            while (conv.inputs().size() < 4) {
                conv.inputs().add("");
            }
            conv.inputs().set(3, add.input(1 - side));
            conv.outputs().set(0, add.output(0));
            g.nodes().remove(add);
            return true;
        }
        return false;
    }
}
