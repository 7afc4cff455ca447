package io.ghostflow.runtime.ops.linalg;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;

/**
 * The float bridge of the nn/linalg/rnn kernels: they compute in float (the precision every
 * model here uses) and convert other floating types at the boundary, so one kernel serves
 * FLOAT, FLOAT16, BFLOAT16 and DOUBLE.
 */
public final class FloatIO {
    private FloatIO() {
    }

    /** The values of {@code t} as floats (the backing array when FLOAT: read-only). */
    public static float[] in(Tensor t, String what) {
        if (t.dtype() == DType.STRING || t.dtype() == DType.COMPLEX64 || t.dtype() == DType.COMPLEX128) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, what + ": unsupported type " + t.dtype());
        }
        return t.asFloats();
    }

    /** Wraps {@code data} as a tensor of {@code dtype} (no copy when FLOAT). */
    public static Tensor out(float[] data, DType dtype, int... shape) {
        if (dtype == DType.FLOAT) {
            return Tensor.of(data, shape);
        }
        Tensor t = Tensor.zeros(dtype, shape);
        for (int i = 0; i < data.length; i++) {
            t.setDouble(i, data[i]);
        }
        return t;
    }

    /** Requires a tensor input to be present. */
    public static Tensor require(io.ghostflow.tensor.Value v, String what) {
        if (!(v instanceof Tensor t)) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, what + " must be a tensor" + (v == null ? " (missing)" : ""));
        }
        return t;
    }

    /** An optional tensor input (null when omitted). */
    public static Tensor optional(io.ghostflow.tensor.Value[] in, int i) {
        return i < in.length && in[i] instanceof Tensor t ? t : null;
    }

    /**
     * The values of {@code t} broadcast (numpy rules, one direction) to {@code target}, as a
     * float array of the target's size; {@code t} itself when it already has that size and rank.
     */
    public static float[] expand(Tensor t, int[] target, String what) {
        int[] ts = t.shape();
        float[] v = in(t, what);
        if (java.util.Arrays.equals(ts, target)) {
            return v;
        }
        int[] full = io.ghostflow.tensor.Shapes.broadcast(ts, target);
        if (!java.util.Arrays.equals(full, target)) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, what + " of shape " + io.ghostflow.tensor.Shapes.toString(ts)
                    + " does not broadcast to " + io.ghostflow.tensor.Shapes.toString(target));
        }
        int[] st = io.ghostflow.tensor.Shapes.broadcastStrides(ts, target);
        int n = io.ghostflow.tensor.Shapes.size(target);
        float[] out = new float[n];
        int[] idx = new int[target.length];
        for (int i = 0; i < n; i++) {
            int src = 0;
            for (int d = 0; d < target.length; d++) {
                src += idx[d] * st[d];
            }
            out[i] = v[src];
            for (int d = target.length - 1; d >= 0; d--) {
                if (++idx[d] < target[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return out;
    }
}
