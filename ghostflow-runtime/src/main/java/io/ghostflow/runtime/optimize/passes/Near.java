package io.ghostflow.runtime.optimize.passes;

/** Constant comparisons for pattern matching: exporters write 1/sqrt(2) in several roundings. */
final class Near {
    private Near() {
    }

    static boolean is(double v, double target) {
        return !Double.isNaN(v) && Math.abs(v - target) <= 1e-4 * Math.max(1, Math.abs(target));
    }
}
