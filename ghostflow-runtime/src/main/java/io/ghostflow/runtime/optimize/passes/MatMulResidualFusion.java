package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.Activation;
import io.ghostflow.runtime.ops.fused.FusedOps;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.GraphPass;
import io.ghostflow.runtime.optimize.PassContext;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * {@code Add(FusedMatMul(x, W, b), r)} -> FusedMatMul(x, W, b, r) (and {@code Add(MatMul(x, W), r)}
 * with a constant 2-D W -> FusedMatMul(x, W, "", r)): the residual of a
 * transformer block (attention output projection and FFN output, each followed by Add then
 * LayerNormalization) is added in the GEMM's epilogue instead of a separate pass over the
 * activations. Only when r has exactly the product's shape, known statically or proved equal
 * symbolically ([batch, seq, 128] on both sides); a residual that would broadcast, or widen
 * the product, is left to the Add.
 */
public final class MatMulResidualFusion implements GraphPass {
    @Override
    public String name() {
        return "matmul-residual-fusion";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    @Override
    public int apply(Graph g, PassContext ctx) {
        // one symbolic inference serves every rewrite: each keeps the names and shapes of what it touches
        FusedShapes symbolic = null;
        GraphIndex idx = new GraphIndex(g);
        int count = 0;
        for (Node add : new ArrayList<>(g.nodes())) {
            if (!Fused.is(add, "Add") || add.inputs().size() != 2) {
                continue;
            }
            for (int side = 0; side < 2; side++) {
                Node mm = idx.producer(add.input(side));
                String y = add.input(side);
                String r = add.input(1 - side);
                if (!fusable(mm, idx, y, r, ctx)) {
                    continue;
                }
                if (!staticallyEqual(ctx, y, r)) {
                    if (symbolic == null) {
                        symbolic = FusedShapes.of(g, ctx.opsets());
                    }
                    if (!symbolic.provablyEqual(y, r)) {
                        continue;
                    }
                }
                if (Fused.is(mm, "MatMul")) {
                    mm.setOpType("FusedMatMul");
                    mm.setDomain(FusedOps.DOMAIN);
                    ctx.useFusedDomain();
                }
                while (mm.inputs().size() < 3) {
                    mm.inputs().add("");
                }
                mm.inputs().add(r);
                mm.outputs().set(0, add.output(0));
                // the product moves to the Add's place, after whatever computes the residual
                g.nodes().set(g.nodes().indexOf(add), mm);
                g.nodes().remove(mm);
                idx = new GraphIndex(g);
                count++;
                break;
            }
        }
        return count;
    }

    private static boolean fusable(Node mm, GraphIndex idx, String y, String r, PassContext ctx) {
        boolean plain = Fused.is(mm, "MatMul") && constantMatrix(idx.constant(mm.input(1)));
        if (!(plain || Fused.isFused(mm, "FusedMatMul")) || mm.inputs().size() > 3 || !idx.singleUse(y)) {
            return false;
        }
        // act(y) + r is not act(y + r): only a product without activation takes the residual
        if (Fused.activation(mm).kind() != Activation.Kind.NONE) {
            return false;
        }
        if (r.isEmpty() || r.equals(y)) {
            return false;
        }
        return !Fused.notFloat(ctx, y) && !Fused.notFloat(ctx, r) && !Fused.notFloat(ctx, mm.input(0));
    }

    /** What FusedMatMul needs of a plain MatMul's B: a constant 2-D float matrix. */
    private static boolean constantMatrix(Tensor w) {
        return w != null && w.rank() == 2 && w.dtype() == DType.FLOAT;
    }

    private static boolean staticallyEqual(PassContext ctx, String a, String b) {
        int[] sa = ctx.shapes().shape(a);
        return sa != null && Arrays.equals(sa, ctx.shapes().shape(b));
    }
}
