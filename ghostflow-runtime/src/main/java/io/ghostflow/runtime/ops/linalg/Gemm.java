package io.ghostflow.runtime.ops.linalg;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.kernels.Epilogue;
import io.ghostflow.kernels.PackedB;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/**
 * Gemm, all versions: Y = alpha * A' * B' + beta * C. C broadcasts to [M, N] (unidirectional;
 * before opset 7 only with broadcast=1, which we accept either way), optional from opset 11.
 * A constant B is packed once for the GEMM kernel; a constant bias row becomes its epilogue.
 */
final class Gemm {
    private Gemm() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        boolean transA = node.getInt("transA", 0) != 0;
        boolean transB = node.getInt("transB", 0) != 0;
        float alpha = node.getFloat("alpha", 1f);
        float beta = node.getFloat("beta", 1f);
        Tensor constB = cfg.constant(node.input(1));
        // A constant float B is packed into the kernel's panels once, at session creation.
        PackedB packedB = constB != null && constB.dtype().isFloatingPoint() && constB.rank() == 2
                ? io.ghostflow.kernels.Gemm.packB(constB.asFloats(), 0, transB ? constB.dim(1) : constB.dim(0),
                        transB ? constB.dim(0) : constB.dim(1), transB)
                : null;
        // A constant C of shape [N] or [1, N] with beta 1 becomes the epilogue's column bias.
        Tensor constC = node.hasInput(2) ? cfg.constant(node.input(2)) : null;
        float[] colBias = constC != null && beta == 1f && constC.dtype().isFloatingPoint()
                && (constC.rank() == 1 || constC.rank() == 2 && constC.dim(0) == 1) ? constC.asFloats().clone() : null;
        Epilogue biasEpi = colBias != null ? Epilogue.NONE.withColumnBias(colBias, 0) : Epilogue.NONE;
        return (ctx, in) -> {
            Tensor a = FloatIO.require(in[0], "Gemm input A");
            Tensor b = FloatIO.require(in[1], "Gemm input B");
            Tensor c = FloatIO.optional(in, 2);
            if (a.rank() != 2 || b.rank() != 2) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "Gemm needs 2-D A and B, got "
                        + Shapes.toString(a.shape()) + " and " + Shapes.toString(b.shape()));
            }
            int m = transA ? a.dim(1) : a.dim(0);
            int k = transA ? a.dim(0) : a.dim(1);
            int kb = transB ? b.dim(1) : b.dim(0);
            int n = transB ? b.dim(0) : b.dim(1);
            if (k != kb) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "Gemm inner dimensions differ: A " + Shapes.toString(a.shape())
                        + (transA ? "^T" : "") + ", B " + Shapes.toString(b.shape()) + (transB ? "^T" : ""));
            }
            DType dt = a.dtype();
            if (dt.isInteger()) {
                return new Value[] {integer(a, b, c, m, n, k, transA, transB, alpha, beta)};
            }
            float[] y = ctx.floatBuffer(m * n);
            float[] av = FloatIO.in(a, "Gemm A");
            Epilogue epi = Epilogue.NONE;
            float betaK = 0f;
            if (c != null && beta != 0f) {
                if (c == constC && colBias != null && colBias.length == n) {
                    epi = biasEpi;
                } else {
                    broadcastC(c, m, n, beta, y);
                    betaK = 1f;
                }
            }
            int lda = transA ? m : k;
            if (packedB != null && b == constB) {
                io.ghostflow.kernels.Gemm.gemm(m, n, k, alpha, av, 0, lda, transA, packedB, betaK, y, 0, n, epi, ctx.threads());
            } else {
                io.ghostflow.kernels.Gemm.gemm(m, n, k, alpha, av, 0, lda, transA, FloatIO.in(b, "Gemm B"), 0,
                        transB ? k : n, transB, betaK, y, 0, n, epi, ctx.threads());
            }
            return new Value[] {FloatIO.out(y, dt, m, n)};
        };
    }

    private static void broadcastC(Tensor c, int m, int n, float beta, float[] y) {
        int[] cs = c.shape();
        if (cs.length > 2) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "Gemm C has rank " + cs.length);
        }
        int cr = cs.length == 2 ? cs[0] : 1;
        int cc = cs.length >= 1 ? cs[cs.length - 1] : 1;
        if ((cr != 1 && cr != m) || (cc != 1 && cc != n)) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "Gemm C " + Shapes.toString(cs) + " does not broadcast to [" + m + ", " + n + "]");
        }
        float[] cv = c.asFloats();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                y[i * n + j] = beta * cv[(cr == 1 ? 0 : i) * cc + (cc == 1 ? 0 : j)];
            }
        }
    }

    private static Tensor integer(Tensor a, Tensor b, Tensor c, int m, int n, int k, boolean ta, boolean tb, float alpha, float beta) {
        Tensor y = Tensor.zeros(a.dtype(), m, n);
        int[] cs = c == null ? new int[0] : c.shape();
        int cr = cs.length == 2 ? cs[0] : 1;
        int cc = cs.length >= 1 ? cs[cs.length - 1] : 1;
        long al = (long) alpha;
        long be = (long) beta;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long s = 0;
                for (int p = 0; p < k; p++) {
                    s += a.getLong(ta ? p * m + i : i * k + p) * b.getLong(tb ? j * k + p : p * n + j);
                }
                s *= al;
                if (c != null) {
                    s += be * c.getLong((cr == 1 ? 0 : i) * cc + (cc == 1 ? 0 : j));
                }
                y.setLong(i * n + j, s);
            }
        }
        return y;
    }
}
