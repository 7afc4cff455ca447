package io.ghostflow.kernels;

import static org.assertj.core.api.Assertions.fail;

/** Shared comparison helpers for the kernel tests. */
final class Tolerances {
    private Tolerances() {
    }

    /**
     * fp32 dot products: |got - ref| <= 1e-4 * (sum of |terms| + |bias| + |residual|) * 1.5 (the largest
     * slope of any activation) + 1e-5 * |ref| (activation polynomials) + 1e-6.
     */
    static void assertDotClose(String what, float[] got, float[] ref, double[] absTerms) {
        for (int i = 0; i < ref.length; i++) {
            double tol = 1.5e-4 * absTerms[i] + 1e-5 * Math.abs(ref[i]) + 1e-6;
            if (!close(got[i], ref[i], tol)) {
                fail(what + ": element " + i + " got " + got[i] + " expected " + ref[i] + " (tol " + tol + ")");
            }
        }
    }

    /** Transcendental approximations: within rtol 1e-5 or atol 1e-6; NaN must match NaN, infinities exactly. */
    static void assertMathClose(String what, float x, float got, double ref) {
        if (!close(got, ref, Math.max(1e-6, 1e-5 * Math.abs(ref)))) {
            fail(what + "(" + x + ") = " + got + ", expected " + ref);
        }
    }

    static boolean close(float got, double ref, double tol) {
        if (Double.isNaN(ref)) {
            return Float.isNaN(got);
        }
        if (Double.isInfinite(ref) || Float.isInfinite(got)) {
            return (double) got == ref || (Float.isInfinite(got) && Math.abs(ref) > Float.MAX_VALUE);
        }
        return Math.abs(got - ref) <= tol;
    }

    static float[] random(java.util.Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2f - 1f;
        }
        return v;
    }
}
