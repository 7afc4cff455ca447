package io.ghostflow.runtime.ops.reduce;

import io.ghostflow.runtime.ops.math.Broadcasting;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;

/**
 * The Reduce* kernels. Float tensors reduced over one block of axes run in vectors
 * ({@link FloatReduction}); otherwise each input element is folded into the accumulator of its
 * output position (one pass, any set of axes): floating types in double, integer types in long,
 * so sums and products wrap like the dtype instead of losing precision.
 * Empty-set reductions give the identity of the op (0, 1, -inf, +inf; NaN for the mean).
 */
public final class Reduction {
    private Reduction() {
    }

    public enum Kind { SUM, MEAN, MAX, MIN, PROD, L1, L2, LOG_SUM, LOG_SUM_EXP, SUM_SQUARE }

    /** Reduces {@code x} over {@code axes} (already normalised, distinct). */
    public static Tensor reduce(Kind kind, Tensor x, boolean[] reduced, boolean keepDims) {
        int[] shape = x.shape();
        int rank = shape.length;
        int[] outFull = new int[rank];
        int kept = 0;
        for (int d = 0; d < rank; d++) {
            outFull[d] = reduced[d] ? 1 : shape[d];
            if (!reduced[d]) {
                kept++;
            }
        }
        int[] outShape;
        if (keepDims) {
            outShape = outFull;
        } else {
            outShape = new int[kept];
            int k = 0;
            for (int d = 0; d < rank; d++) {
                if (!reduced[d]) {
                    outShape[k++] = shape[d];
                }
            }
        }
        if (x.dtype() == DType.FLOAT) {
            float[] fast = FloatReduction.tryReduce(kind, x.floats(), shape, reduced);
            if (fast != null) {
                return Tensor.of(fast, outShape);
            }
        }
        return generic(kind, x, reduced, outFull, outShape);
    }

    /** One pass over every element, in double (float types) or long (integer types): any axes, any kind. */
    static Tensor generic(Kind kind, Tensor x, boolean[] reduced, int[] outFull, int[] outShape) {
        int[] shape = x.shape();
        int outSize = Shapes.size(outFull);
        int n = x.size();
        int count = outSize == 0 ? 0 : n / Math.max(outSize, 1);
        int[] map = outputIndex(shape, reduced);
        DType t = x.dtype();
        boolean integer = !t.isFloatingPoint();
        if (integer && kind != Kind.MEAN && kind != Kind.L2 && kind != Kind.LOG_SUM && kind != Kind.LOG_SUM_EXP) {
            return Broadcasting.fromLongs(t, reduceLongs(kind, x, map, outSize), outShape);
        }
        double[] acc = new double[outSize];
        java.util.Arrays.fill(acc, init(kind));
        double[] max = null;
        if (kind == Kind.LOG_SUM_EXP) {
            max = new double[outSize];
            java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < n; i++) {
                max[map[i]] = Math.max(max[map[i]], x.getDouble(i));
            }
        }
        if (t == DType.FLOAT) {
            float[] a = x.floats();
            for (int i = 0; i < n; i++) {
                int o = map[i];
                acc[o] = step(kind, acc[o], a[i], max == null ? 0 : max[o]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                int o = map[i];
                acc[o] = step(kind, acc[o], x.getDouble(i), max == null ? 0 : max[o]);
            }
        }
        for (int o = 0; o < outSize; o++) {
            acc[o] = finish(kind, acc[o], count, max == null ? 0 : max[o]);
        }
        return Broadcasting.fromDoubles(t, acc, outShape);
    }

    static double init(Kind k) {
        return switch (k) {
            case PROD -> 1;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
            default -> 0;
        };
    }

    static double step(Kind k, double acc, double v, double max) {
        return switch (k) {
            case SUM, MEAN, LOG_SUM -> acc + v;
            case MAX -> v > acc || v != v ? v : acc;
            case MIN -> v < acc || v != v ? v : acc;
            case PROD -> acc * v;
            case L1 -> acc + Math.abs(v);
            case L2, SUM_SQUARE -> acc + v * v;
            case LOG_SUM_EXP -> acc + Math.exp(v - max);
        };
    }

    static double finish(Kind k, double acc, int count, double max) {
        return switch (k) {
            case MEAN -> acc / count;
            case L2 -> Math.sqrt(acc);
            case LOG_SUM -> Math.log(acc);
            case LOG_SUM_EXP -> Double.isInfinite(max) ? max : max + Math.log(acc);
            default -> acc;
        };
    }

    static long[] reduceLongs(Kind kind, Tensor x, int[] map, int outSize) {
        DType t = x.dtype();
        long[] acc = new long[outSize];
        long init = switch (kind) {
            case PROD -> 1;
            case MAX -> t == DType.UINT64 || !t.isSigned() ? 0 : minOf(t);
            case MIN -> t == DType.UINT64 ? -1L : maxOf(t);
            default -> 0;
        };
        java.util.Arrays.fill(acc, init);
        long[] a = x.asLongs();
        for (int i = 0; i < a.length; i++) {
            int o = map[i];
            long v = a[i];
            acc[o] = switch (kind) {
                case MAX -> Broadcasting.compareInts(v, acc[o], t) > 0 ? v : acc[o];
                case MIN -> Broadcasting.compareInts(v, acc[o], t) < 0 ? v : acc[o];
                case PROD -> acc[o] * v;
                case L1 -> acc[o] + Math.abs(v);
                case SUM_SQUARE -> acc[o] + v * v;
                default -> acc[o] + v;
            };
        }
        return acc;
    }

    static long minOf(DType t) {
        return switch (t) {
            case INT8 -> Byte.MIN_VALUE;
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            case INT4 -> -8;
            case INT2 -> -2;
            default -> Long.MIN_VALUE;
        };
    }

    static long maxOf(DType t) {
        return switch (t) {
            case INT8 -> Byte.MAX_VALUE;
            case UINT8 -> 0xff;
            case INT16 -> Short.MAX_VALUE;
            case UINT16 -> 0xffff;
            case INT32 -> Integer.MAX_VALUE;
            case UINT32 -> 0xffffffffL;
            case INT4 -> 7;
            case UINT4 -> 15;
            case INT2 -> 1;
            case UINT2 -> 3;
            case BOOL -> 1;
            default -> Long.MAX_VALUE;
        };
    }

    /** For every input element (row-major), the flat index of its output position. */
    static int[] outputIndex(int[] shape, boolean[] reduced) {
        int rank = shape.length;
        int n = Shapes.size(shape);
        int[] outStride = new int[rank];
        int acc = 1;
        for (int d = rank - 1; d >= 0; d--) {
            outStride[d] = reduced[d] ? 0 : acc;
            acc *= reduced[d] ? 1 : shape[d];
        }
        int[] map = new int[n];
        int[] idx = new int[rank];
        int off = 0;
        for (int i = 0; i < n; i++) {
            map[i] = off;
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                off += outStride[d];
                if (idx[d] < shape[d]) {
                    break;
                }
                off -= outStride[d] * shape[d];
                idx[d] = 0;
            }
        }
        return map;
    }
}
