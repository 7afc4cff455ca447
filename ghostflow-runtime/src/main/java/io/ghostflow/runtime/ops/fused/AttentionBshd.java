package io.ghostflow.runtime.ops.fused;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.ops.ExecContext;
import io.ghostflow.runtime.ops.linalg.MatMulKernel;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;

/**
 * The fused Attention with {@code bshd = 1}: Q [B, S, H, D], K [B, T, H, D] (not transposed)
 * and V [B, T, H, Dv] are read in place through their row strides, and the output is written
 * as [B, S, H, Dv], so the head Transposes around the op disappear. The products are the same
 * GEMM calls as the head-major form (the packing absorbs the strides and K's transpose), so the
 * result is bit-identical to Transpose + Attention + Transpose.
 */
final class AttentionBshd {
    private AttentionBshd() {
    }

    static Tensor run(ExecContext ctx, Tensor q, Tensor k, Tensor v, Tensor mask, float scale, boolean nanToZero) {
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4 || q.dtype() != DType.FLOAT || k.dtype() != DType.FLOAT
                || v.dtype() != DType.FLOAT) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "fused Attention (bshd): Q, K, V must be FLOAT [B, S, H, D], got "
                    + Shapes.toString(q.shape()) + ", " + Shapes.toString(k.shape()) + ", " + Shapes.toString(v.shape()));
        }
        int b = q.dim(0), s = q.dim(1), h = q.dim(2), d = q.dim(3);
        int t = k.dim(1), dv = v.dim(3);
        if (k.dim(0) != b || v.dim(0) != b || k.dim(2) != h || v.dim(2) != h || k.dim(3) != d || v.dim(1) != t) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "fused Attention (bshd): Q " + Shapes.toString(q.shape())
                    + ", K " + Shapes.toString(k.shape()) + ", V " + Shapes.toString(v.shape()) + " do not match");
        }
        float[] qv = q.floats(), kv = k.floats(), vv = v.floats();
        float[] scores = buffer(ctx, b * h * s * t, qv, kv, vv);
        int threads = ctx.threads();
        for (int bi = 0; bi < b; bi++) {
            for (int hi = 0; hi < h; hi++) {
                MatMulKernel.sgemm(s, t, d, qv, (bi * s * h + hi) * d, h * d, false, kv, (bi * t * h + hi) * d, h * d, true,
                        scores, (bi * h + hi) * s * t, t, false, threads);
            }
        }
        FusedKernels.softmaxRows(Tensor.of(scores, b, h, s, t), mask, scale, nanToZero, threads);
        float[] y = buffer(ctx, b * s * h * dv, qv, kv, vv);
        if (y == scores) {
            y = new float[b * s * h * dv];
        }
        for (int bi = 0; bi < b; bi++) {
            for (int hi = 0; hi < h; hi++) {
                MatMulKernel.sgemm(s, dv, t, scores, (bi * h + hi) * s * t, t, false, vv, (bi * t * h + hi) * dv, h * dv, false,
                        y, (bi * s * h + hi) * dv, h * dv, false, threads);
            }
        }
        ctx.recycleBuffer(scores);
        return Tensor.of(y, b, s, h, dv);
    }

    /** A pooled buffer of exactly n floats that is none of the inputs' arrays. */
    private static float[] buffer(ExecContext ctx, int n, float[] q, float[] k, float[] v) {
        float[] a = ctx.floatBuffer(n);
        return a == q || a == k || a == v || a.length != n ? new float[n] : a;
    }
}
