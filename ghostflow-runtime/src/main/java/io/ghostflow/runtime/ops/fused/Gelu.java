package io.ghostflow.runtime.ops.fused;

import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.function.IntFunction;

/** GELU in its exact (erf) and tanh-approximated forms. */
public final class Gelu {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    private Gelu() {
    }

    /**
     * GELU of a FLOAT tensor with {@link GeluLoops}' vector erf/tanh (the same bits as the fused
     * epilogues' GELU), into an array from {@code buffer} (the session's pool); other dtypes take
     * the scalar double path.
     */
    public static Tensor apply(Tensor x, boolean tanh, IntFunction<float[]> buffer, int threads) {
        Activation act = Activation.of(tanh ? Activation.Kind.GELU_TANH : Activation.Kind.GELU);
        if (x.dtype() != DType.FLOAT) {
            return FusedKernels.map(x, act, threads);
        }
        float[] xv = x.floats();
        int n = xv.length;
        float[] out = buffer.apply(n);
        System.arraycopy(xv, 0, out, 0, n);
        GeluLoops.apply(act, out, 0, n, threads);
        return Tensor.of(out, x.shape());
    }

    static float erf(float x) {
        return (float) (0.5 * x * (1 + erfD(x / Math.sqrt(2))));
    }

    static float tanh(float x) {
        double xd = x;
        return (float) (0.5 * xd * (1 + Math.tanh(SQRT_2_OVER_PI * (xd + 0.044715 * xd * xd * xd))));
    }

    /** erf with |error| < 1.2e-7 (Numerical Recipes' erfc Chebyshev fit), ample for float outputs. */
    static double erfD(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - r : r - 1;
    }
}
