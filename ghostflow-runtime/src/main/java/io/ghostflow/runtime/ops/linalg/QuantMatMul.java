package io.ghostflow.runtime.ops.linalg;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.kernels.IntGemm;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/**
 * MatMulInteger (int32 result of zero-point-adjusted 8-bit operands; per-row A and per-column
 * B zero points) and QLinearMatMul (the same product requantised to the output zero point's type).
 */
public final class QuantMatMul {
    private QuantMatMul() {
    }

    static OpKernel integer(Node node, OpConfig cfg) {
        Tensor constB = cfg.constant(node.input(1));
        int[] wideB = constB != null && (constB.dtype() == DType.UINT8 || constB.dtype() == DType.INT8) ? widen(constB) : null;
        // Constant 2-D B with a constant (or absent) zero point: widened and packed once for IntGemm.
        Tensor constZb = node.hasInput(3) ? cfg.constant(node.input(3)) : null;
        boolean zbKnown = !node.hasInput(3) || constZb != null;
        IntGemm.PackedIntB packed = wideB != null && constB.rank() == 2 && zbKnown
                && (constZb == null || constZb.size() == 1 || constZb.size() == constB.dim(1))
                ? IntGemm.packB(constB.bytes(), 0, constB.dim(1), constB.dim(0), constB.dim(1),
                        constB.dtype() == DType.UINT8, constZb == null ? null : zeroPoints(constZb, constZb.size(), "MatMulInteger B"))
                : null;
        return (ctx, in) -> {
            Tensor a = FloatIO.require(in[0], "MatMulInteger input A");
            Tensor b = FloatIO.require(in[1], "MatMulInteger input B");
            MatMul.Plan p = MatMul.plan(a.shape(), b.shape(), "MatMulInteger");
            Tensor azp = FloatIO.optional(in, 2);
            if (packed != null && b == constB && FloatIO.optional(in, 3) == constZb
                    && (a.dtype() == DType.UINT8 || a.dtype() == DType.INT8)) {
                return new Value[] {Tensor.ofInts(packedProduct(p, a, azp, packed, ctx.threads()), p.outShape())};
            }
            int[] acc = product(p, a, FloatIO.optional(in, 2), wideB != null ? wideB : widen(b), FloatIO.optional(in, 3), "MatMulInteger");
            return new Value[] {Tensor.ofInts(acc, p.outShape())};
        };
    }

    static OpKernel qlinear(Node node, OpConfig cfg) {
        return (ctx, in) -> {
            Tensor a = FloatIO.require(in[0], "QLinearMatMul input a");
            Tensor b = FloatIO.require(in[3], "QLinearMatMul input b");
            Tensor yzp = FloatIO.require(in[7], "QLinearMatMul input y_zero_point");
            MatMul.Plan p = MatMul.plan(a.shape(), b.shape(), "QLinearMatMul");
            int[] acc = product(p, a, FloatIO.require(in[2], "a_zero_point"), widen(b), FloatIO.require(in[5], "b_zero_point"), "QLinearMatMul");
            double[] as = FloatIO.require(in[1], "a_scale").asDoubles();
            double[] bs = FloatIO.require(in[4], "b_scale").asDoubles();
            double ys = FloatIO.require(in[6], "y_scale").getDouble(0);
            double zp = yzp.getDouble(0);
            int m = p.m();
            int n = p.n();
            Tensor y = Tensor.zeros(yzp.dtype(), p.outShape());
            for (int i = 0; i < acc.length; i++) {
                int row = (i / n) % m;
                int col = i % n;
                double scale = as[as.length == 1 ? 0 : row] * bs[bs.length == 1 ? 0 : col] / ys;
                double v = acc[i] * scale;
                y.setDouble(i, saturate(yzp.dtype(), Math.rint(v) + zp));
            }
            return new Value[] {y};
        };
    }

    /** A times a pre-packed B: contiguous A batches with one zero point fold into one product. */
    private static int[] packedProduct(MatMul.Plan p, Tensor a, Tensor azp, IntGemm.PackedIntB b, int threads) {
        int m = p.m();
        int k = p.k();
        int n = p.n();
        int[] za = azp == null ? null : zeroPoints(azp, azp.size() > 1 ? m : 1, "MatMulInteger A");
        boolean unsigned = a.dtype() == DType.UINT8;
        byte[] av = a.bytes();
        int batches = p.batchCount();
        int[] out = new int[batches * m * n];
        if ((za == null || za.length == 1) && MatMul.contiguous(p)) {
            IntGemm.gemm(batches * m, av, 0, k, unsigned, za, b, out, 0, n, threads);
            return out;
        }
        for (int bi = 0; bi < batches; bi++) {
            IntGemm.gemm(m, av, p.aIndex(bi) * m * k, k, unsigned, za, b, out, bi * m * n, n, threads);
        }
        return out;
    }

    /** Clamps to the range of an 8/16-bit integer type (float types pass through). */
    public static double saturate(DType t, double v) {
        return switch (t) {
            case UINT8 -> Math.max(0, Math.min(255, v));
            case INT8 -> Math.max(-128, Math.min(127, v));
            case UINT16 -> Math.max(0, Math.min(65535, v));
            case INT16 -> Math.max(-32768, Math.min(32767, v));
            case INT32 -> Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
            default -> v;
        };
    }

    /** Zero point per index: scalar, or one value per row/column of the matrix. */
    private static int[] zeroPoints(Tensor zp, int len, String what) {
        int[] z = new int[len];
        if (zp == null) {
            return z;
        }
        if (zp.size() != 1 && zp.size() != len) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, what + " zero point has " + zp.size() + " values, needs 1 or " + len);
        }
        for (int i = 0; i < len; i++) {
            z[i] = (int) zp.getLong(zp.size() == 1 ? 0 : i);
        }
        return z;
    }

    /** (A - a_zp) * (B - b_zp) in int32 (wrapping as the spec's accumulator does). */
    static int[] product(MatMul.Plan p, Tensor a, Tensor azp, int[] bv, Tensor bzp, String op) {
        int m = p.m();
        int k = p.k();
        int n = p.n();
        int[] za = zeroPoints(azp, azp != null && azp.size() > 1 ? m : 1, op + " A");
        int[] zb = zeroPoints(bzp, bzp != null && bzp.size() > 1 ? n : 1, op + " B");
        int[] av = widen(a);
        int[] out = new int[p.batchCount() * m * n];
        for (int bi = 0; bi < p.batchCount(); bi++) {
            int ao = p.aIndex(bi) * m * k;
            int bo = p.bIndex(bi) * k * n;
            int yo = bi * m * n;
            for (int i = 0; i < m; i++) {
                int zai = za[za.length == 1 ? 0 : i];
                for (int q = 0; q < k; q++) {
                    int x = av[ao + i * k + q] - zai;
                    int br = bo + q * n;
                    int yr = yo + i * n;
                    if (zb.length == 1) {
                        int z = zb[0];
                        for (int j = 0; j < n; j++) {
                            out[yr + j] += x * (bv[br + j] - z);
                        }
                    } else {
                        for (int j = 0; j < n; j++) {
                            out[yr + j] += x * (bv[br + j] - zb[j]);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static int[] widen(Tensor t) {
        if (t.dtype() != DType.UINT8 && t.dtype() != DType.INT8) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "expected an 8-bit integer tensor, got " + t.dtype());
        }
        byte[] b = t.bytes();
        int[] out = new int[b.length];
        boolean unsigned = t.dtype() == DType.UINT8;
        for (int i = 0; i < b.length; i++) {
            out[i] = unsigned ? b[i] & 0xff : b[i];
        }
        return out;
    }
}
