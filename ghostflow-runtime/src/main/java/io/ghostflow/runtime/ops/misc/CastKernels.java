package io.ghostflow.runtime.ops.misc;

import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.function.IntFunction;

/**
 * Tight loops for the Cast pairs that models run per inference (MatMulInteger's INT32 result to
 * FLOAT, index and mask conversions): one typed loop per pair that C2 vectorizes, instead of the
 * per-element getDouble/setDouble dispatch of {@link CastOps#cast}. Each loop computes exactly
 * what the generic path computes for that pair (C-cast semantics: float to integer truncates
 * through long and wraps, NaN gives 0; integers wrap).
 */
final class CastKernels {
    private CastKernels() {
    }

    /** The cast of {@code x} to {@code to}, or null when the pair has no fast loop (or is a no-op). */
    static Tensor fast(Tensor x, DType to, IntFunction<float[]> floatBuffer) {
        DType from = x.dtype();
        if (from == to) {
            return null;
        }
        int[] shape = x.shape();
        int n = x.size();
        return switch (from) {
            case INT32 -> switch (to) {
                case FLOAT -> Tensor.of(intToFloat(x.ints(), floatBuffer.apply(n)), shape);
                case INT64 -> Tensor.ofLongs(intToLong(x.ints(), new long[n]), shape);
                default -> null;
            };
            case INT64 -> switch (to) {
                case INT32 -> Tensor.ofInts(longToInt(x.longs(), new int[n]), shape);
                case BOOL -> Tensor.ofArray(DType.BOOL, longToBool(x.longs(), new byte[n]), shape);
                default -> null;
            };
            case FLOAT -> switch (to) {
                case INT32 -> Tensor.ofInts(floatToInt(x.floats(), new int[n]), shape);
                case INT64 -> Tensor.ofLongs(floatToLong(x.floats(), new long[n]), shape);
                default -> null;
            };
            // BOOL bytes read as unsigned, exactly as the generic getLong does
            case UINT8, BOOL -> switch (to) {
                case FLOAT -> Tensor.of(ubyteToFloat(x.bytes(), floatBuffer.apply(n)), shape);
                default -> null;
            };
            case INT8 -> switch (to) {
                case FLOAT -> Tensor.of(byteToFloat(x.bytes(), floatBuffer.apply(n)), shape);
                default -> null;
            };
            default -> null;
        };
    }

    static float[] intToFloat(int[] a, float[] o) {
        for (int i = 0; i < o.length; i++) {
            o[i] = a[i];
        }
        return o;
    }

    static long[] intToLong(int[] a, long[] o) {
        for (int i = 0; i < o.length; i++) {
            o[i] = a[i];
        }
        return o;
    }

    static int[] longToInt(long[] a, int[] o) {
        for (int i = 0; i < o.length; i++) {
            o[i] = (int) a[i];
        }
        return o;
    }

    static byte[] longToBool(long[] a, byte[] o) {
        for (int i = 0; i < o.length; i++) {
            o[i] = (byte) (a[i] != 0 ? 1 : 0);
        }
        return o;
    }

    /** Through long as the generic path does: out-of-int-range values wrap, not saturate. */
    static int[] floatToInt(float[] a, int[] o) {
        for (int i = 0; i < o.length; i++) {
            o[i] = (int) (long) a[i];
        }
        return o;
    }

    static long[] floatToLong(float[] a, long[] o) {
        for (int i = 0; i < o.length; i++) {
            o[i] = (long) a[i];
        }
        return o;
    }

    static float[] ubyteToFloat(byte[] a, float[] o) {
        for (int i = 0; i < o.length; i++) {
            o[i] = a[i] & 0xff;
        }
        return o;
    }

    static float[] byteToFloat(byte[] a, float[] o) {
        for (int i = 0; i < o.length; i++) {
            o[i] = a[i];
        }
        return o;
    }
}
