package io.ghostflow.runtime.ops.math;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.kernels.BinaryOp;
import io.ghostflow.kernels.VectorMath;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Numpy-broadcasting element-wise engine. FLOAT inputs go through a float[] path with
 * special cases for same shape and scalar operands; every other numeric dtype goes through
 * double (floating types) or long (integer types, wrapped to the dtype on store).
 * Unsigned 64-bit values travel as raw bits, so ops that care (division, comparison) get
 * the dtype.
 */
public final class Broadcasting {
    private Broadcasting() {
    }

    @FunctionalInterface
    public interface FloatBinary {
        float apply(float a, float b);
    }

    @FunctionalInterface
    public interface DoubleBinary {
        double apply(double a, double b);
    }

    /** Integer op; {@code t} is the operand dtype (values are sign- or zero-extended to long). */
    @FunctionalInterface
    public interface LongBinary {
        long apply(long a, long b, DType t);
    }

    /** A binary op in its three typed forms; {@code l} may be null when integers are not allowed. */
    public record Op(String name, FloatBinary f, DoubleBinary d, LongBinary l) {
    }

    @FunctionalInterface
    public interface DoublePredicate2 {
        boolean test(double a, double b);
    }

    @FunctionalInterface
    public interface LongPredicate2 {
        boolean test(long a, long b, DType t);
    }

    /** Applies {@code op} to {@code a} and {@code b} (same dtype), result of that dtype. */
    public static Tensor apply(Op op, Tensor a, Tensor b) {
        DType t = a.dtype();
        if (b.dtype() != t) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT,
                    op.name() + ": input types differ (" + t + " and " + b.dtype() + ")");
        }
        if (t == DType.FLOAT && op.f() != null) {
            return floats(a, b, op.f());
        }
        if (t.isFloatingPoint() && op.d() != null) {
            return doubles(a, b, t, op.d());
        }
        if (t.isInteger() && op.l() != null) {
            return longs(a, b, t, op.l());
        }
        throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, op.name() + " on " + t + " tensors");
    }

    /** FLOAT op with broadcasting and fast paths. */
    public static Tensor floats(Tensor a, Tensor b, FloatBinary f) {
        float[] x = a.floats();
        float[] y = b.floats();
        int[] sa = a.shape();
        int[] sb = b.shape();
        if (Arrays.equals(sa, sb)) {
            float[] out = new float[x.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = f.apply(x[i], y[i]);
            }
            return Tensor.of(out, sa);
        }
        int[] shape = Shapes.broadcast(sa, sb);
        int n = Shapes.size(shape);
        float[] out = new float[n];
        if (y.length == 1 && x.length == n) {
            float c = y[0];
            for (int i = 0; i < n; i++) {
                out[i] = f.apply(x[i], c);
            }
        } else if (x.length == 1 && y.length == n) {
            float c = x[0];
            for (int i = 0; i < n; i++) {
                out[i] = f.apply(c, y[i]);
            }
        } else {
            BroadcastPlan p = BroadcastPlan.of(shape, sa, sb);
            int[] ba = p.rowBases(0);
            int[] bb = p.rowBases(1);
            int ia = p.innerStride[0];
            int ib = p.innerStride[1];
            int inner = p.inner;
            int o = 0;
            for (int r = 0; r < p.rows; r++) {
                int pa = ba[r];
                int pb = bb[r];
                if (ia == 1 && ib == 1) {
                    for (int j = 0; j < inner; j++) {
                        out[o++] = f.apply(x[pa + j], y[pb + j]);
                    }
                } else if (ia == 1 && ib == 0) {
                    float c = y[pb];
                    for (int j = 0; j < inner; j++) {
                        out[o++] = f.apply(x[pa + j], c);
                    }
                } else if (ia == 0 && ib == 1) {
                    float c = x[pa];
                    for (int j = 0; j < inner; j++) {
                        out[o++] = f.apply(c, y[pb + j]);
                    }
                } else {
                    for (int j = 0; j < inner; j++) {
                        out[o++] = f.apply(x[pa + j * ia], y[pb + j * ib]);
                    }
                }
            }
        }
        return Tensor.of(out, shape);
    }

    /**
     * FLOAT {@code op} on VectorMath's kernels, the output array from {@code buffer} (the
     * session's pool): same shape, scalar on either side, a trailing row (e.g. a bias) on
     * either side, and any other broadcast row by row. IEEE results equal the scalar loop's.
     */
    public static Tensor floats(BinaryOp op, Tensor a, Tensor b, IntFunction<float[]> buffer) {
        float[] x = a.floats();
        float[] y = b.floats();
        int[] sa = a.shape();
        int[] sb = b.shape();
        int[] shape = Arrays.equals(sa, sb) ? sa : Shapes.broadcast(sa, sb);
        int n = Shapes.size(shape);
        float[] out = buffer.apply(n);
        if (x.length == n && y.length == n) {
            // both already have the output's element count: their flat layouts coincide
            VectorMath.binary(op, x, 0, y, 0, out, 0, n);
        } else if (y.length == 1 && x.length == n) {
            VectorMath.binaryScalar(op, x, 0, y[0], out, 0, n);
        } else if (x.length == 1 && y.length == n) {
            VectorMath.scalarBinary(op, x[0], y, 0, out, 0, n);
        } else if (x.length == n && isTrailing(sb, shape) && y.length > 0) {
            VectorMath.binaryRowBroadcast(op, x, 0, y, 0, out, 0, n / y.length, y.length);
        } else if (y.length == n && isTrailing(sa, shape) && x.length > 0) {
            VectorMath.rowBroadcastBinary(op, x, 0, y, 0, out, 0, n / x.length, x.length);
        } else {
            rowWise(op, x, y, out, BroadcastPlan.of(shape, sa, sb));
        }
        return Tensor.of(out, shape);
    }

    /** True when {@code s} without its leading 1s equals the trailing dims of {@code out}. */
    static boolean isTrailing(int[] s, int[] out) {
        int lead = 0;
        while (lead < s.length && s[lead] == 1) {
            lead++;
        }
        int len = s.length - lead;
        if (len > out.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s[lead + i] != out[out.length - len + i]) {
                return false;
            }
        }
        return true;
    }

    private static void rowWise(BinaryOp op, float[] x, float[] y, float[] out, BroadcastPlan p) {
        int[] ba = p.rowBases(0);
        int[] bb = p.rowBases(1);
        int ia = p.innerStride[0];
        int ib = p.innerStride[1];
        int inner = p.inner;
        int o = 0;
        for (int r = 0; r < p.rows; r++, o += inner) {
            int pa = ba[r];
            int pb = bb[r];
            if (ia == 1 && ib == 1) {
                VectorMath.binary(op, x, pa, y, pb, out, o, inner);
            } else if (ia == 1 && ib == 0) {
                VectorMath.binaryScalar(op, x, pa, y[pb], out, o, inner);
            } else if (ia == 0 && ib == 1) {
                VectorMath.scalarBinary(op, x[pa], y, pb, out, o, inner);
            } else {
                for (int j = 0; j < inner; j++) {
                    out[o + j] = op.apply(x[pa + j * ia], y[pb + j * ib]);
                }
            }
        }
    }

    /** Floating op computed in double, stored as {@code out} dtype. */
    public static Tensor doubles(Tensor a, Tensor b, DType out, DoubleBinary f) {
        double[] x = a.asDoubles();
        double[] y = b.asDoubles();
        BroadcastPlan p = BroadcastPlan.broadcast(a.shape(), b.shape());
        int[] ia = p.index(0);
        int[] ib = p.index(1);
        double[] r = new double[p.size];
        for (int i = 0; i < r.length; i++) {
            r[i] = f.apply(x[ia[i]], y[ib[i]]);
        }
        return fromDoubles(out, r, p.outShape);
    }

    /** Integer op computed in long (values zero/sign-extended), wrapped to {@code out} on store. */
    public static Tensor longs(Tensor a, Tensor b, DType out, LongBinary f) {
        long[] x = a.asLongs();
        long[] y = b.asLongs();
        DType t = a.dtype();
        BroadcastPlan p = BroadcastPlan.broadcast(a.shape(), b.shape());
        int[] ia = p.index(0);
        int[] ib = p.index(1);
        long[] r = new long[p.size];
        for (int i = 0; i < r.length; i++) {
            r[i] = f.apply(x[ia[i]], y[ib[i]], t);
        }
        return fromLongs(out, r, p.outShape);
    }

    /** Comparison to a BOOL tensor; floating types compare as double, integers as long. */
    public static Tensor compare(Tensor a, Tensor b, String name, DoublePredicate2 d, LongPredicate2 l) {
        DType t = a.dtype();
        if (b.dtype() != t) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, name + ": input types differ (" + t + " and " + b.dtype() + ")");
        }
        BroadcastPlan p = BroadcastPlan.broadcast(a.shape(), b.shape());
        byte[] r = new byte[p.size];
        // Row by row of the broadcast, not through an index per element and input (BERT's attention
        // mask And / comparisons allocated two int arrays of the output's size per run).
        int[] ba = p.rowBases(0);
        int[] bb = p.rowBases(1);
        int sa = p.innerStride[0];
        int sb = p.innerStride[1];
        int inner = p.inner;
        if (t == DType.FLOAT) {
            float[] x = a.floats();
            float[] y = b.floats();
            for (int row = 0, o = 0; row < p.rows; row++) {
                for (int j = 0; j < inner; j++, o++) {
                    r[o] = (byte) (d.test(x[ba[row] + j * sa], y[bb[row] + j * sb]) ? 1 : 0);
                }
            }
        } else if (t.isFloatingPoint()) {
            double[] x = a.asDoubles();
            double[] y = b.asDoubles();
            for (int row = 0, o = 0; row < p.rows; row++) {
                for (int j = 0; j < inner; j++, o++) {
                    r[o] = (byte) (d.test(x[ba[row] + j * sa], y[bb[row] + j * sb]) ? 1 : 0);
                }
            }
        } else if (t.isInteger() || t.isBool()) {
            long[] x = a.asLongs();
            long[] y = b.asLongs();
            for (int row = 0, o = 0; row < p.rows; row++) {
                for (int j = 0; j < inner; j++, o++) {
                    r[o] = (byte) (l.test(x[ba[row] + j * sa], y[bb[row] + j * sb], t) ? 1 : 0);
                }
            }
        } else {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, name + " on " + t + " tensors");
        }
        return Tensor.ofArray(DType.BOOL, r, p.outShape);
    }

    /** Builds a tensor of {@code t} from doubles (rounded as a cast would). */
    public static Tensor fromDoubles(DType t, double[] v, int[] shape) {
        if (t == DType.DOUBLE) {
            return Tensor.ofDoubles(v, shape);
        }
        if (t == DType.FLOAT) {
            float[] f = new float[v.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) v[i];
            }
            return Tensor.of(f, shape);
        }
        Tensor out = Tensor.zeros(t, shape);
        for (int i = 0; i < v.length; i++) {
            out.setDouble(i, v[i]);
        }
        return out;
    }

    /** Builds a tensor of integer/bool type {@code t} from longs (wrapping). */
    public static Tensor fromLongs(DType t, long[] v, int[] shape) {
        if (t == DType.INT64) {
            return Tensor.ofLongs(v, shape);
        }
        Tensor out = Tensor.zeros(t, shape);
        for (int i = 0; i < v.length; i++) {
            out.setLong(i, v[i]);
        }
        return out;
    }

    /** Unsigned-aware comparison of two integer values of dtype {@code t}. */
    public static int compareInts(long a, long b, DType t) {
        return t == DType.UINT64 ? Long.compareUnsigned(a, b) : Long.compare(a, b);
    }
}
