package io.ghostflow.runtime.ops.math;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongUnaryOperator;

/** Element-wise single-input maps: a FLOAT array path and generic double/long paths. */
public final class Unary {
    private Unary() {
    }

    /** An op whose integer form may be null (floating types only). */
    public record Op(String name, DoubleUnaryOperator d, LongUnaryOperator l) {
    }

    public static Op floatOnly(String name, DoubleUnaryOperator d) {
        return new Op(name, d, null);
    }

    /** Applies {@code op}; the result has the input dtype. */
    public static Tensor apply(Op op, Tensor x) {
        DType t = x.dtype();
        if (t == DType.FLOAT && op.d() != null) {
            float[] a = x.floats();
            float[] out = new float[a.length];
            DoubleUnaryOperator d = op.d();
            for (int i = 0; i < a.length; i++) {
                out[i] = (float) d.applyAsDouble(a[i]);
            }
            return Tensor.of(out, x.shape());
        }
        if (t.isFloatingPoint() && op.d() != null) {
            double[] a = x.asDoubles();
            double[] out = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = op.d().applyAsDouble(a[i]);
            }
            return Broadcasting.fromDoubles(t, out, x.shape());
        }
        if (t.isInteger() && op.l() != null) {
            long[] a = x.asLongs();
            long[] out = new long[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = op.l().applyAsLong(a[i]);
            }
            return Broadcasting.fromLongs(t, out, x.shape());
        }
        throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, op.name() + " on " + t + " tensors");
    }

    /** Error function, |relative error| below 1.2e-7 (Numerical Recipes erfc, Chebyshev fit). */
    public static double erf(double x) {
        double z = Math.abs(x);
        if (z < 1.0) {
            // Taylor series: exact to double precision near 0, where 1 - erfc would lose digits
            double term = x;
            double sum = x;
            double x2 = x * x;
            for (int n = 1; n < 30; n++) {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            return sum * 1.1283791670955126;
        }
        double t = 1.0 / (1.0 + 0.5 * z);
        double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        double r = 1.0 - ans;
        return x >= 0 ? r : -r;
    }
}
