package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.FusedOps;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.List;

/**
 * {@code Add(MatMul(a, W), bias)} with a constant 2-D W and a constant bias of length N becomes
 * a Gemm when a is known to be 2-D, else GhostFlow's FusedMatMul (a dense layer on [batch, seq,
 * hidden]); a MatMul by constant 2-D W alone becomes FusedMatMul too, so activations can follow.
 */
public final class MatMulAddFusion extends LoopPass {
    @Override
    public String name() {
        return "matmul-add-fusion";
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
        for (int side = 0; side < 2; side++) {
            Node mm = idx.producer(add.input(side));
            Tensor bias = idx.constant(add.input(1 - side));
            if (!Fused.is(mm, "MatMul") || bias == null || !idx.singleUse(add.input(side))) {
                continue;
            }
            Tensor w = idx.constant(mm.input(1));
            if (Fused.notFloat(ctx, mm.input(0))) {
                continue;
            }
            if (w == null || w.rank() != 2 || w.dtype() != DType.FLOAT || bias.dtype() != DType.FLOAT) {
                continue;
            }
            int n = w.dim(1);
            int[] bs = bias.shape();
            boolean vector = bias.size() == n && (bs.length == 1 || (bs.length == 2 && bs[0] == 1));
            if (!vector) {
                continue;
            }
            int[] aShape = ctx.shapes().shape(mm.input(0));
            Node fused;
            if (aShape != null && aShape.length == 2) {
                fused = new Node(mm.name(), "Gemm", List.of(mm.input(0), mm.input(1), add.input(1 - side)), List.of(add.output(0)));
            } else if (bs.length == 1) {
                fused = FusedOps.node(mm.name(), "FusedMatMul", List.of(mm.input(0), mm.input(1), add.input(1 - side)), add.output(0));
                ctx.useFusedDomain();
            } else {
                continue;
            }
            int at = g.nodes().indexOf(add);
            g.nodes().set(at, fused);
            g.nodes().remove(mm);
            return true;
        }
        return false;
    }
}
