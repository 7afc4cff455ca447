package io.ghostflow.runtime.ops.quant;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.NarrowFloats;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.lang.foreign.ValueLayout;

/**
 * QuantizeLinear, DequantizeLinear (per tensor, per axis, blocked) and DynamicQuantizeLinear.
 * Rounding is half to even, in float precision as ONNX Runtime does.
 */
public final class QuantOps {
    private QuantOps() {
    }

    public static void register(OpRegistry r) {
        int[] v = {10, 13, 19, 21, 23, 24, 25};
        r.register("QuantizeLinear", v, (node, cfg) -> {
            long axis = node.getInt("axis", 1);
            int block = (int) node.getInt("block_size", 0);
            boolean saturate = node.getInt("saturate", 1) != 0;
            int outCode = (int) node.getInt("output_dtype", 0);
            return (ctx, in) -> {
                Tensor x = (Tensor) in[0];
                Tensor scale = (Tensor) in[1];
                Tensor zp = in.length > 2 ? (Tensor) in[2] : null;
                DType out = zp != null ? zp.dtype() : outCode != 0 ? DType.fromOnnx(outCode) : DType.UINT8;
                return new Value[] {quantize(x, scale, zp, out, (int) axis, block, saturate)};
            };
        });
        r.register("DequantizeLinear", v, (node, cfg) -> {
            long axis = node.getInt("axis", 1);
            int block = (int) node.getInt("block_size", 0);
            int outCode = (int) node.getInt("output_dtype", 0);
            return (ctx, in) -> {
                Tensor x = (Tensor) in[0];
                Tensor scale = (Tensor) in[1];
                Tensor zp = in.length > 2 ? (Tensor) in[2] : null;
                DType out = outCode != 0 ? DType.fromOnnx(outCode) : scale.dtype();
                Tensor fast = QuantKernels.dequantize(x, scale, zp, out, block, ctx::floatBuffer);
                return new Value[] {fast != null ? fast : dequantize(x, scale, zp, out, (int) axis, block)};
            };
        });
        r.register("DynamicQuantizeLinear", 11, (node, cfg) -> (ctx, in) -> {
            Value[] fast = QuantKernels.dynamicQuantize((Tensor) in[0]);
            return fast != null ? fast : dynamicQuantize((Tensor) in[0]);
        });
    }

    /** Maps every element of {@code x} to the index of its scale / zero point. */
    static int[] scaleIndex(Tensor x, Tensor scale, int axisAttr, int block, String op) {
        int n = x.size();
        int[] idx = new int[n];
        if (scale.size() == 1 && block == 0) {
            return idx;
        }
        int rank = x.rank();
        int axis = axisAttr < 0 ? axisAttr + rank : axisAttr;
        if (axis < 0 || axis >= rank) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, op + ": axis " + axisAttr + " out of range for rank " + rank);
        }
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= x.dim(i);
        }
        int len = x.dim(axis);
        int inner = 1;
        for (int i = axis + 1; i < rank; i++) {
            inner *= x.dim(i);
        }
        if (block > 0) {
            int nb = (len + block - 1) / block;
            if (scale.rank() != rank || scale.dim(axis) != nb) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, op + ": blocked scale of shape "
                        + java.util.Arrays.toString(scale.shape()) + " does not match input " + java.util.Arrays.toString(x.shape()) + " with block_size " + block);
            }
            int i = 0;
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < len; j++) {
                    int b = (o * nb + j / block) * inner;
                    for (int k = 0; k < inner; k++) {
                        idx[i++] = b + k;
                    }
                }
            }
            return idx;
        }
        if (scale.size() != len) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, op + ": per-axis scale has " + scale.size() + " values, axis " + axis + " has " + len);
        }
        int i = 0;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < len; j++) {
                for (int k = 0; k < inner; k++) {
                    idx[i++] = j;
                }
            }
        }
        return idx;
    }

    public static Tensor quantize(Tensor x, Tensor scale, Tensor zp, DType out, int axis, int block, boolean saturate) {
        int[] si = scaleIndex(x, scale, axis, block, "QuantizeLinear");
        int n = x.size();
        Tensor y = Tensor.zeros(out, x.shape());
        float[] xs = x.asFloats();
        float[] ss = scale.asFloats();
        if (out.isFloatingPoint()) {
            for (int i = 0; i < n; i++) {
                float v = xs[i] / ss[si[i]];
                if (zp != null) {
                    v += (float) zp.getDouble(si[i]);
                }
                y.segment().set(ValueLayout.JAVA_BYTE, i, NarrowFloats.fromFloat(out, v, saturate));
            }
            return y;
        }
        long lo = min(out);
        long hi = max(out);
        for (int i = 0; i < n; i++) {
            int s = si[i];
            double q = Math.rint(xs[i] / ss[s]) + (zp == null ? 0 : zp.getLong(s));
            y.setLong(i, (long) Math.max(lo, Math.min(hi, q)));
        }
        return y;
    }

    public static Tensor dequantize(Tensor x, Tensor scale, Tensor zp, DType out, int axis, int block) {
        int[] si = scaleIndex(x, scale, axis, block, "DequantizeLinear");
        int n = x.size();
        float[] ss = scale.asFloats();
        float[] y = new float[n];
        boolean floatIn = x.dtype().isFloatingPoint();
        for (int i = 0; i < n; i++) {
            int s = si[i];
            if (floatIn) {
                y[i] = ((float) x.getDouble(i) - (zp == null ? 0f : (float) zp.getDouble(s))) * ss[s];
            } else {
                y[i] = (float) (x.getLong(i) - (zp == null ? 0 : zp.getLong(s))) * ss[s];
            }
        }
        Tensor t = Tensor.of(y, x.shape());
        if (out == DType.FLOAT) {
            return t;
        }
        Tensor o = Tensor.zeros(out, x.shape());
        for (int i = 0; i < n; i++) {
            o.setDouble(i, y[i]);
        }
        return o;
    }

    /** y = saturate(round(x / scale) + zp) with scale and zp chosen so that [min(x, 0), max(x, 0)] maps onto [0, 255]. */
    public static Value[] dynamicQuantize(Tensor x) {
        float[] a = x.asFloats();
        float mn = 0;
        float mx = 0;
        for (float v : a) {
            mn = Math.min(mn, v);
            mx = Math.max(mx, v);
        }
        float scale = (mx - mn) / 255f;
        float zpf = scale == 0 ? 0 : (float) Math.rint(Math.max(0, Math.min(255, 0 - mn / scale)));
        int zp = (int) zpf;
        byte[] y = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            double q = scale == 0 ? zp : Math.rint(a[i] / scale) + zp;
            y[i] = (byte) Math.max(0, Math.min(255, q));
        }
        return new Value[] {
            Tensor.ofArray(DType.UINT8, y, x.shape()),
            Tensor.of(new float[] {scale}),
            Tensor.ofArray(DType.UINT8, new byte[] {(byte) zp})
        };
    }

    static long min(DType t) {
        return switch (t) {
            case INT8 -> -128;
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            case INT4 -> -8;
            case INT2 -> -2;
            default -> 0;
        };
    }

    static long max(DType t) {
        return switch (t) {
            case UINT8 -> 255;
            case INT8 -> 127;
            case UINT16 -> 0xffff;
            case INT16 -> Short.MAX_VALUE;
            case INT32 -> Integer.MAX_VALUE;
            case UINT32 -> 0xffffffffL;
            case INT4 -> 7;
            case UINT4 -> 15;
            case INT2 -> 1;
            case UINT2 -> 3;
            default -> Long.MAX_VALUE;
        };
    }
}
