package io.ghostflow.runtime.ops.logic;

import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.ops.math.BroadcastPlan;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.lang.foreign.MemorySegment;

/** Where(condition, X, Y) with three-way broadcasting, for every dtype (elements are copied as raw bytes). */
public final class WhereOp {
    private WhereOp() {
    }

    public static void register(OpRegistry r) {
        r.register("Where", new int[] {9, 16}, (node, cfg) -> (ctx, in) -> new Value[] {where((Tensor) in[0], (Tensor) in[1], (Tensor) in[2])});
    }

    public static Tensor where(Tensor c, Tensor x, Tensor y) {
        BroadcastPlan p = BroadcastPlan.broadcast(c.shape(), x.shape(), y.shape());
        int[] ic = p.index(0);
        int[] ix = p.index(1);
        int[] iy = p.index(2);
        byte[] cond = c.bytes();
        DType t = x.dtype();
        if (t == DType.STRING) {
            String[] a = x.strings();
            String[] b = y.strings();
            String[] out = new String[p.size];
            for (int i = 0; i < out.length; i++) {
                out[i] = cond[ic[i]] != 0 ? a[ix[i]] : b[iy[i]];
            }
            return Tensor.ofStrings(out, p.outShape);
        }
        if (t == DType.FLOAT) {
            float[] a = x.floats();
            float[] b = y.floats();
            float[] out = new float[p.size];
            for (int i = 0; i < out.length; i++) {
                out[i] = cond[ic[i]] != 0 ? a[ix[i]] : b[iy[i]];
            }
            return Tensor.of(out, p.outShape);
        }
        Tensor out = Tensor.zeros(t, p.outShape);
        MemorySegment dst = out.segment();
        MemorySegment sa = x.segment();
        MemorySegment sb = y.segment();
        long w = t.storageBytes();
        for (int i = 0; i < p.size; i++) {
            if (cond[ic[i]] != 0) {
                MemorySegment.copy(sa, ix[i] * w, dst, i * w, w);
            } else {
                MemorySegment.copy(sb, iy[i] * w, dst, i * w, w);
            }
        }
        return out;
    }
}
