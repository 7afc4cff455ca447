package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;

/** A 2-D Transpose feeding Gemm's A or B is dropped by flipping transA/transB. */
public final class TransposeIntoGemm extends LoopPass {
    @Override
    public String name() {
        return "transpose-into-gemm";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node gemm, PassContext ctx) {
        if (!Fused.is(gemm, "Gemm") && !Fused.isFused(gemm, "FusedGemm")) {
            return false;
        }
        for (int i = 0; i < 2; i++) {
            Node t = idx.producerOf(gemm, i, "Transpose");
            if (t == null) {
                continue;
            }
            long[] perm = t.getInts("perm", null);
            int[] shape = ctx.shapes().shape(t.input(0));
            boolean swap2d = perm != null ? perm.length == 2 && perm[0] == 1 && perm[1] == 0 : shape != null && shape.length == 2;
            if (!swap2d) {
                continue;
            }
            String attr = i == 0 ? "transA" : "transB";
            gemm.attributes().put(attr, Attribute.of(attr, 1 - gemm.getInt(attr, 0)));
            gemm.inputs().set(i, t.input(0));
            if (idx.consumers(t.output(0)).size() == 1 && !idx.isGraphOutput(t.output(0))) {
                g.nodes().remove(t);
            }
            return true;
        }
        return false;
    }
}
