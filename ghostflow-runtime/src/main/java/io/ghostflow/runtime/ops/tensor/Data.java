package io.ghostflow.runtime.ops.tensor;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/**
 * Dtype-agnostic data movement on the Java arrays behind tensors. Every data-movement op
 * (Transpose, Slice, Gather, Concat, ...) reduces to these primitives so that one set of
 * typed loops serves every element type: the dtype switch happens once per run of elements,
 * never per element, and contiguous runs go through System.arraycopy.
 */
public final class Data {
    private Data() {
    }

    /** The backing array of {@code t} (a copy when off-heap); read-only by contract. */
    public static Object array(Tensor t) {
        DType d = t.dtype();
        if (d == DType.STRING) {
            return t.strings();
        }
        return switch (d.storageBytes()) {
            case 1 -> t.bytes();
            case 2 -> t.shorts();
            case 4 -> d == DType.FLOAT ? t.floats() : t.ints();
            case 8 -> d == DType.DOUBLE ? t.doubles() : d == DType.COMPLEX64 ? complex64(t) : t.longs();
            default -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "data movement of " + d + " tensors");
        };
    }

    private static long[] complex64(Tensor t) {
        // complex64 moves as opaque 64-bit words
        return t.segment().toArray(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED);
    }

    /** A new zeroed array suited to {@code n} elements of {@code d}. */
    public static Object alloc(DType d, int n) {
        if (d == DType.STRING) {
            String[] s = new String[n];
            java.util.Arrays.fill(s, "");
            return s;
        }
        return switch (d.storageBytes()) {
            case 1 -> new byte[n];
            case 2 -> new short[n];
            case 4 -> d == DType.FLOAT ? new float[n] : new int[n];
            case 8 -> d == DType.DOUBLE ? new double[n] : new long[n];
            default -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "data movement of " + d + " tensors");
        };
    }

    public static Tensor wrap(DType d, Object arr, int... shape) {
        if (d == DType.COMPLEX64) {
            Tensor t = Tensor.zeros(d, shape);
            java.lang.foreign.MemorySegment.copy(java.lang.foreign.MemorySegment.ofArray((long[]) arr), 0, t.segment(), 0, t.byteSize());
            return t;
        }
        return Tensor.ofArray(d, arr, shape);
    }

    public static Tensor tensor(Value v, String what) {
        if (v instanceof Tensor t) {
            return t;
        }
        throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, what + " must be a tensor, got " + (v == null ? "nothing" : v.getClass().getSimpleName()));
    }

    /** dst[d + i] = src[idx[i] ] for i in [0, n). */
    public static void take(Object src, int[] idx, Object dst, int d, int n) {
        switch (src) {
            case float[] s -> { float[] o = (float[]) dst; for (int i = 0; i < n; i++) o[d + i] = s[idx[i]]; }
            case long[] s -> { long[] o = (long[]) dst; for (int i = 0; i < n; i++) o[d + i] = s[idx[i]]; }
            case int[] s -> { int[] o = (int[]) dst; for (int i = 0; i < n; i++) o[d + i] = s[idx[i]]; }
            case byte[] s -> { byte[] o = (byte[]) dst; for (int i = 0; i < n; i++) o[d + i] = s[idx[i]]; }
            case short[] s -> { short[] o = (short[]) dst; for (int i = 0; i < n; i++) o[d + i] = s[idx[i]]; }
            case double[] s -> { double[] o = (double[]) dst; for (int i = 0; i < n; i++) o[d + i] = s[idx[i]]; }
            case Object[] s -> { Object[] o = (Object[]) dst; for (int i = 0; i < n; i++) o[d + i] = s[idx[i]]; }
            default -> throw new IllegalStateException();
        }
    }

    /** dst[d + i*dstep] = src[s + i*sstep] for i in [0, n). */
    public static void strided(Object src, int s, int sstep, Object dst, int d, int dstep, int n) {
        if (sstep == 1 && dstep == 1) {
            System.arraycopy(src, s, dst, d, n);
            return;
        }
        switch (src) {
            case float[] a -> { float[] o = (float[]) dst; for (int i = 0; i < n; i++, s += sstep, d += dstep) o[d] = a[s]; }
            case long[] a -> { long[] o = (long[]) dst; for (int i = 0; i < n; i++, s += sstep, d += dstep) o[d] = a[s]; }
            case int[] a -> { int[] o = (int[]) dst; for (int i = 0; i < n; i++, s += sstep, d += dstep) o[d] = a[s]; }
            case byte[] a -> { byte[] o = (byte[]) dst; for (int i = 0; i < n; i++, s += sstep, d += dstep) o[d] = a[s]; }
            case short[] a -> { short[] o = (short[]) dst; for (int i = 0; i < n; i++, s += sstep, d += dstep) o[d] = a[s]; }
            case double[] a -> { double[] o = (double[]) dst; for (int i = 0; i < n; i++, s += sstep, d += dstep) o[d] = a[s]; }
            case Object[] a -> { Object[] o = (Object[]) dst; for (int i = 0; i < n; i++, s += sstep, d += dstep) o[d] = a[s]; }
            default -> throw new IllegalStateException();
        }
    }

    /** Fills dst[d, d+n) with src[s]. */
    public static void fill(Object src, int s, Object dst, int d, int n) {
        strided(src, s, 0, dst, d, 1, n);
    }

    /**
     * Copies a strided view of {@code src} (element offset {@code off}, per-dim {@code strides},
     * which may be 0 for broadcast or negative for reversal) into the contiguous {@code dst} of
     * {@code shape}. Adjacent dims that are contiguous in both are merged first, so a plain
     * reshape-like copy becomes one arraycopy and a transpose becomes a loop of strided runs.
     */
    public static void stridedCopy(Object src, int off, int[] strides, Object dst, int dstOff, int[] shape) {
        int rank = shape.length;
        int n = Shapes.size(shape);
        if (n == 0) {
            return;
        }
        // merge dims: drop size-1 dims, fuse (i, i+1) when stride[i] == stride[i+1] * shape[i+1]
        int[] sh = new int[rank];
        int[] st = new int[rank];
        int r = 0;
        for (int i = 0; i < rank; i++) {
            if (shape[i] == 1) {
                continue;
            }
            if (r > 0 && st[r - 1] == strides[i] * shape[i]) {
                sh[r - 1] *= shape[i];
                st[r - 1] = strides[i];
            } else {
                sh[r] = shape[i];
                st[r] = strides[i];
                r++;
            }
        }
        if (r == 0) {
            strided(src, off, 1, dst, dstOff, 1, 1);
            return;
        }
        int inner = sh[r - 1];
        int istep = st[r - 1];
        if (r >= 2 && istep != 1 && st[r - 2] == 1 && inner >= 8 && sh[r - 2] >= 8) {
            blockedTranspose(src, off, sh, st, r, dst, dstOff);
            return;
        }
        int outer = n / inner;
        int[] ctr = new int[r];
        int s = off;
        int d = dstOff;
        for (int o = 0; o < outer; o++) {
            strided(src, s, istep, dst, d, 1, inner);
            d += inner;
            for (int k = r - 2; k >= 0; k--) {
                s += st[k];
                if (++ctr[k] < sh[k]) {
                    break;
                }
                s -= st[k] * sh[k];
                ctr[k] = 0;
            }
        }
    }

    /** Last two (merged) dims swap roles: read in 32x32 tiles so both sides stay in cache. */
    private static void blockedTranspose(Object src, int off, int[] sh, int[] st, int r, Object dst, int dstOff) {
        int rows = sh[r - 2];
        int cols = sh[r - 1];
        int cstep = st[r - 1];
        int plane = rows * cols;
        int outer = 1;
        for (int k = 0; k < r - 2; k++) {
            outer *= sh[k];
        }
        int[] ctr = new int[Math.max(r - 2, 0)];
        int s = off;
        int d = dstOff;
        final int bs = 32;
        for (int o = 0; o < outer; o++) {
            for (int i0 = 0; i0 < rows; i0 += bs) {
                int i1 = Math.min(rows, i0 + bs);
                for (int j0 = 0; j0 < cols; j0 += bs) {
                    int j1 = Math.min(cols, j0 + bs);
                    for (int i = i0; i < i1; i++) {
                        strided(src, s + i + j0 * cstep, cstep, dst, d + i * cols + j0, 1, j1 - j0);
                    }
                }
            }
            d += plane;
            for (int k = r - 3; k >= 0; k--) {
                s += st[k];
                if (++ctr[k] < sh[k]) {
                    break;
                }
                s -= st[k] * sh[k];
                ctr[k] = 0;
            }
        }
    }

    /** Reads an integer tensor (any int type) as longs. */
    public static long[] longs(Tensor t) {
        return t.asLongs();
    }

    public static int[] intShape(Tensor shapeTensor, String what) {
        long[] v = shapeTensor.asLongs();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Shapes.toIntDim(v[i], what);
        }
        return out;
    }

    public static GhostFlowException bad(String msg) {
        return new GhostFlowException(ErrorCode.INVALID_ARGUMENT, msg);
    }

    public static GhostFlowException badGraph(String msg) {
        return new GhostFlowException(ErrorCode.INVALID_GRAPH, msg);
    }

    public static GhostFlowException shape(String msg) {
        return new GhostFlowException(ErrorCode.SHAPE_MISMATCH, msg);
    }
}
