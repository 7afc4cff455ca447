package io.ghostflow.tensor;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import java.util.Arrays;

/** Shape arithmetic shared by kernels and ops. Shapes are {@code int[]}; element counts are checked for overflow. */
public final class Shapes {
    private Shapes() {
    }

    /** Product of dims; fails with SHAPE_MISMATCH on negative dims or more than Integer.MAX_VALUE - 8 elements. */
    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "shape " + Arrays.toString(shape) + " has too many elements");
            }
        }
        return (int) n;
    }

    /** Row-major strides in elements. */
    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** Numpy-style broadcast of two shapes. */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH,
                        "shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            }
        }
        return out;
    }

    /** Broadcast of any number of shapes. */
    public static int[] broadcast(int[]... shapes) {
        int[] out = new int[0];
        for (int[] s : shapes) {
            out = broadcast(out, s);
        }
        return out;
    }

    /**
     * Strides for reading a tensor of shape {@code from} as if it had the (broadcast) shape {@code to}:
     * broadcast dims get stride 0.
     */
    public static int[] broadcastStrides(int[] from, int[] to) {
        int[] st = strides(from);
        int[] out = new int[to.length];
        int off = to.length - from.length;
        for (int i = 0; i < to.length; i++) {
            int j = i - off;
            out[i] = (j < 0 || from[j] == 1) ? 0 : st[j];
        }
        return out;
    }

    /** Normalises a possibly negative axis against a rank, naming the op in the error. */
    public static int axis(int axis, int rank, String what) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.max(rank, 1)) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, what + ": axis " + axis + " out of range for rank " + rank);
        }
        return a;
    }

    public static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    public static String toString(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Checked narrowing of an ONNX int64 dimension. */
    public static int toIntDim(long d, String what) {
        if (d < 0 || d > Integer.MAX_VALUE - 8) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, what + ": dimension " + d + " out of range");
        }
        return (int) d;
    }

    public static int[] toIntShape(long[] dims, String what) {
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = toIntDim(dims[i], what);
        }
        size(out);
        return out;
    }

    public static long[] toLongs(int[] shape) {
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = shape[i];
        }
        return out;
    }
}
