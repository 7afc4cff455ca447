package io.ghostflow.runtime.ops.fused;

/** GELU in its exact (erf) and tanh-approximated forms. */
final class Gelu {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    private Gelu() {
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
