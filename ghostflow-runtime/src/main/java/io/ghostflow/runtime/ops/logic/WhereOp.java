package io.ghostflow.runtime.ops.logic;

import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.ops.math.BroadcastPlan;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.lang.foreign.MemorySegment;
import java.util.function.IntFunction;

/** Where(condition, X, Y) with three-way broadcasting, for every dtype (elements are copied as raw bytes). */
public final class WhereOp {
    private WhereOp() {
    }

    public static void register(OpRegistry r) {
        r.register("Where", new int[] {9, 16}, (node, cfg) -> (ctx, in) -> new Value[] {
            where((Tensor) in[0], (Tensor) in[1], (Tensor) in[2], ctx::floatBuffer)});
    }

    public static Tensor where(Tensor c, Tensor x, Tensor y) {
        return where(c, x, y, float[]::new);
    }

    /**
     * Where with its FLOAT output from {@code floatBuffer} (the session's pool), walked row by row
     * of the broadcast (BERT's attention masks: an index array per input and run was most of the
     * model's allocation per run).
     */
    public static Tensor where(Tensor c, Tensor x, Tensor y, IntFunction<float[]> floatBuffer) {
        BroadcastPlan p = BroadcastPlan.broadcast(c.shape(), x.shape(), y.shape());
        byte[] cond = c.bytes();
        DType t = x.dtype();
        if (t == DType.FLOAT) {
            float[] a = x.floats();
            float[] b = y.floats();
            float[] out = floatBuffer.apply(p.size);
            int[] bc = p.rowBases(0);
            int[] bx = p.rowBases(1);
            int[] by = p.rowBases(2);
            int sc = p.innerStride[0];
            int sx = p.innerStride[1];
            int sy = p.innerStride[2];
            int o = 0;
            for (int row = 0; row < p.rows; row++) {
                int c0 = bc[row];
                int x0 = bx[row];
                int y0 = by[row];
                for (int j = 0; j < p.inner; j++) {
                    out[o++] = cond[c0 + j * sc] != 0 ? a[x0 + j * sx] : b[y0 + j * sy];
                }
            }
            return Tensor.of(out, p.outShape);
        }
        int[] ic = p.index(0);
        int[] ix = p.index(1);
        int[] iy = p.index(2);
        if (t == DType.STRING) {
            String[] a = x.strings();
            String[] b = y.strings();
            String[] out = new String[p.size];
            for (int i = 0; i < out.length; i++) {
                out[i] = cond[ic[i]] != 0 ? a[ix[i]] : b[iy[i]];
            }
            return Tensor.ofStrings(out, p.outShape);
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
