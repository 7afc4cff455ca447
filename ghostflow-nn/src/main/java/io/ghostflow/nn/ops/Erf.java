package io.ghostflow.nn.ops;

/** The error function (Java's Math has none), accurate to about 1e-7 absolute: enough for float32. */
public final class Erf {
    private Erf() {
    }

    /** Series below 0.5, Abramowitz-Stegun 7.1.26 above (absolute error under 1.5e-7). */
    public static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 0.5) {
            // Maclaurin series converges fast near 0, where 7.1.26 is least accurate relatively
            double x2 = ax * ax;
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 20; n++) {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double t = 1 / (1 + 0.3275911 * ax);
            double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
            r = 1 - poly * Math.exp(-ax * ax);
        }
        return x < 0 ? -r : r;
    }
}
