package io.ghostflow.kernels;

/**
 * Double-precision scalar functions that {@link Math} lacks, used as references and for the
 * scalar paths. Accurate to ~1e-15 relative, far tighter than the float kernels they check.
 */
public final class ScalarMath {
    private ScalarMath() {
    }

    /**
     * erf(x) via the all-positive series erf(x) = 2/sqrt(pi) e^{-x^2} sum x^(2n+1) 2^n / (2n+1)!!
     * (no cancellation), and +-1 beyond |x| = 6 where erfc is below double epsilon.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax >= 6.0) {
            return Math.signum(x);
        }
        double x2 = ax * ax;
        double term = ax;
        double sum = ax;
        for (int n = 1; n < 500; n++) {
            term *= 2.0 * x2 / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        double r = 2.0 / Math.sqrt(Math.PI) * Math.exp(-x2) * sum;
        return x < 0 ? -r : r;
    }
}
