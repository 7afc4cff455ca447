package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.Activation;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;
import io.ghostflow.tensor.Tensor;

/** Conv + activation (Relu, Clip/Relu6, LeakyRelu, HardSwish, HardSigmoid, Sigmoid, x*Sigmoid(x)) -> FusedConv. */
public final class ConvActivationFusion extends LoopPass {
    @Override
    public String name() {
        return "conv-activation-fusion";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node n, PassContext ctx) {
        if (!(Fused.is(n, "Conv") && is2d(n, idx)) && !Fused.isFused(n, "FusedConv")) {
            return false;
        }
        if (Fused.activation(n).kind() != Activation.Kind.NONE) {
            return false;
        }
        if (Fused.notFloat(ctx, n.input(0))) {
            return false;
        }
        ActivationMatch m = ActivationMatch.after(n.output(0), idx);
        if (m == null) {
            return false;
        }
        Fused.promote(n);
        ctx.useFusedDomain();
        Fused.setActivation(n, m.activation());
        n.outputs().set(0, m.last().output(0));
        g.nodes().removeAll(m.nodes());
        return true;
    }

    /** The fused kernel is 2-D only; the weights tell the rank. */
    static boolean is2d(Node conv, GraphIndex idx) {
        Tensor w = idx.constant(conv.input(1));
        return w != null && w.rank() == 4 && w.dtype() == io.ghostflow.tensor.DType.FLOAT;
    }
}
