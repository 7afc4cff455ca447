package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.Activation;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;

/**
 * Gemm + activation -> FusedGemm; FusedMatMul + activation -> FusedMatMul with that activation;
 * MatMul by a constant 2-D float W + activation -> FusedMatMul. (The seed's "Linear + ReLU".)
 */
public final class GemmActivationFusion extends LoopPass {
    @Override
    public String name() {
        return "gemm-activation-fusion";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node n, PassContext ctx) {
        boolean gemm = Fused.is(n, "Gemm") || Fused.isFused(n, "FusedGemm");
        boolean fmm = Fused.isFused(n, "FusedMatMul");
        boolean mm = Fused.is(n, "MatMul");
        if (!gemm && !fmm && !mm) {
            return false;
        }
        if (mm) {
            Tensor w = idx.constant(n.input(1));
            if (w == null || w.rank() != 2 || w.dtype() != DType.FLOAT) {
                return false;
            }
        }
        if (Fused.activation(n).kind() != Activation.Kind.NONE) {
            return false;
        }
        if (Fused.notFloat(ctx, n.input(0)) || Fused.notFloat(ctx, n.input(1))) {
            return false;
        }
        ActivationMatch m = ActivationMatch.after(n.output(0), idx);
        if (m == null) {
            return false;
        }
        if (mm) {
            n.setOpType("FusedMatMul");
            n.setDomain(io.ghostflow.runtime.ops.fused.FusedOps.DOMAIN);
        } else {
            Fused.promote(n);
        }
        ctx.useFusedDomain();
        Fused.setActivation(n, m.activation());
        n.outputs().set(0, m.last().output(0));
        g.nodes().removeAll(m.nodes());
        return true;
    }

}
