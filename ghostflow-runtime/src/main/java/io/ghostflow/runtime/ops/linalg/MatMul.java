package io.ghostflow.runtime.ops.linalg;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.kernels.PackedB;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/** MatMul with numpy semantics: batch dimensions broadcast, 1-D operands promoted then squeezed. */
final class MatMul {
    private MatMul() {
    }

    /** The shapes of one batched product, after 1-D promotion. */
    record Plan(int[] outShape, int[] batch, int[] aBatchStrides, int[] bBatchStrides, int m, int k, int n) {
        int batchCount() {
            return Shapes.size(batch);
        }

        /** Matrix index in A (in units of m*k) of batch element {@code bi}. */
        int aIndex(int bi) {
            return index(bi, aBatchStrides);
        }

        int bIndex(int bi) {
            return index(bi, bBatchStrides);
        }

        private int index(int bi, int[] strides) {
            int idx = 0;
            for (int d = batch.length - 1; d >= 0; d--) {
                int c = bi % batch[d];
                bi /= batch[d];
                idx += c * strides[d];
            }
            return idx;
        }
    }

    static Plan plan(int[] as, int[] bs, String op) {
        if (as.length == 0 || bs.length == 0) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, op + " does not accept scalars");
        }
        boolean aVec = as.length == 1;
        boolean bVec = bs.length == 1;
        int[] a2 = aVec ? new int[] {1, as[0]} : as;
        int[] b2 = bVec ? new int[] {bs[0], 1} : bs;
        int m = a2[a2.length - 2];
        int k = a2[a2.length - 1];
        int kb = b2[b2.length - 2];
        int n = b2[b2.length - 1];
        if (k != kb) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, op + " inner dimensions differ: " + Shapes.toString(as) + " x " + Shapes.toString(bs));
        }
        int[] ab = java.util.Arrays.copyOf(a2, a2.length - 2);
        int[] bb = java.util.Arrays.copyOf(b2, b2.length - 2);
        int[] batch = Shapes.broadcast(ab, bb);
        int[] out = new int[batch.length + (aVec ? 0 : 1) + (bVec ? 0 : 1)];
        System.arraycopy(batch, 0, out, 0, batch.length);
        int o = batch.length;
        if (!aVec) {
            out[o++] = m;
        }
        if (!bVec) {
            out[o] = n;
        }
        return new Plan(out, batch, matStrides(ab, batch), matStrides(bb, batch), m, k, n);
    }

    /** Per-batch-dim strides (in matrices) of a batch shape broadcast to {@code batch}; 0 where broadcast. */
    private static int[] matStrides(int[] own, int[] batch) {
        int[] s = new int[batch.length];
        int stride = 1;
        for (int d = batch.length - 1; d >= 0; d--) {
            int od = d - (batch.length - own.length);
            int size = od >= 0 ? own[od] : 1;
            s[d] = size == 1 ? 0 : stride;
            stride *= size;
        }
        return s;
    }

    static OpKernel create(Node node, OpConfig cfg) {
        Tensor constB = cfg.constant(node.input(1));
        // A constant 2-D float B (weights) is packed into the GEMM kernel's panels once, here.
        PackedB packedB = constB != null && constB.dtype() == DType.FLOAT && constB.rank() == 2
                ? io.ghostflow.kernels.Gemm.packB(constB.asFloats(), 0, constB.dim(0), constB.dim(1), false) : null;
        return (ctx, in) -> {
            Tensor a = FloatIO.require(in[0], "MatMul input A");
            Tensor b = FloatIO.require(in[1], "MatMul input B");
            Plan p = plan(a.shape(), b.shape(), "MatMul");
            DType dt = a.dtype();
            if (dt.isInteger()) {
                return new Value[] {integer(a, b, p)};
            }
            float[] av = FloatIO.in(a, "MatMul A");
            float[] y = ctx.floatBuffer(p.batchCount() * p.m() * p.n());
            if (packedB != null && b == constB) {
                multiplyPacked(p, av, packedB, y, ctx.threads());
            } else {
                multiply(p, av, FloatIO.in(b, "MatMul B"), y, ctx.threads());
            }
            return new Value[] {FloatIO.out(y, dt, p.outShape())};
        };
    }

    static void multiply(Plan p, float[] av, float[] bv, float[] y, int threads) {
        int m = p.m();
        int k = p.k();
        int n = p.n();
        int batches = p.batchCount();
        // A batch that only broadcasts B over contiguous A rows is one big product.
        if (batches > 1 && allZero(p.bBatchStrides()) && isContiguous(p.aBatchStrides(), p.batch())) {
            MatMulKernel.sgemm(batches * m, n, k, av, 0, k, false, bv, 0, n, false, y, 0, n, false, threads);
            return;
        }
        for (int bi = 0; bi < batches; bi++) {
            MatMulKernel.sgemm(m, n, k, av, p.aIndex(bi) * m * k, k, false, bv, p.bIndex(bi) * k * n, n, false,
                    y, bi * m * n, n, false, threads);
        }
    }

    /** A times a packed 2-D B: contiguous A batches fold into the rows of one product. */
    static void multiplyPacked(Plan p, float[] av, PackedB b, float[] y, int threads) {
        int m = p.m();
        int k = p.k();
        int n = p.n();
        int batches = p.batchCount();
        if (isContiguous(p.aBatchStrides(), p.batch())) {
            io.ghostflow.kernels.Gemm.gemm(batches * m, n, k, av, 0, k, false, b, y, 0, n, null, threads);
            return;
        }
        for (int bi = 0; bi < batches; bi++) {
            io.ghostflow.kernels.Gemm.gemm(m, n, k, av, p.aIndex(bi) * m * k, k, false, b, y, bi * m * n, n, null, threads);
        }
    }

    /** Whether A's batch matrices lie one after another (so batches fold into rows). */
    static boolean contiguous(Plan p) {
        return isContiguous(p.aBatchStrides(), p.batch());
    }

    private static boolean allZero(int[] s) {
        for (int v : s) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isContiguous(int[] strides, int[] batch) {
        int expect = 1;
        for (int d = batch.length - 1; d >= 0; d--) {
            if (strides[d] != expect) {
                return false;
            }
            expect *= batch[d];
        }
        return true;
    }

    private static Tensor integer(Tensor a, Tensor b, Plan p) {
        int m = p.m();
        int k = p.k();
        int n = p.n();
        Tensor y = Tensor.zeros(a.dtype(), p.outShape());
        long[] av = a.asLongs();
        long[] bv = b.asLongs();
        long[] acc = new long[n];
        for (int bi = 0; bi < p.batchCount(); bi++) {
            int ao = p.aIndex(bi) * m * k;
            int bo = p.bIndex(bi) * k * n;
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(acc, 0);
                for (int q = 0; q < k; q++) {
                    long x = av[ao + i * k + q];
                    int br = bo + q * n;
                    for (int j = 0; j < n; j++) {
                        acc[j] += x * bv[br + j];
                    }
                }
                int yo = (bi * m + i) * n;
                for (int j = 0; j < n; j++) {
                    y.setLong(yo + j, acc[j]);
                }
            }
        }
        return y;
    }
}
