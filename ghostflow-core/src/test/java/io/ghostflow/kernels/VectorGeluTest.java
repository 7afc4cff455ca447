package io.ghostflow.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The written-out GELU loops against double references, at ragged lengths and offsets (rtol 1e-5 / atol 1e-6). */
class VectorGeluTest {
    private static float[] inputs(Random r, int n) {
        float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
            Float.MAX_VALUE, -Float.MAX_VALUE, 1e-20f, -1e-20f, 0.5f, -0.5f, 3f, -3f, 9f, -9f, 14f, -14f, 40f, -40f};
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i < specials.length && r.nextBoolean() ? specials[i] : (float) (r.nextGaussian() * 4);
        }
        return x;
    }

    private static double erfRef(double x) {
        return 0.5 * x * (1 + ScalarMath.erf(x / Math.sqrt(2)));
    }

    private static double tanhRef(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    @Test
    void bothFormsMatchDoubleReferencesAtRaggedLengthsAndOffsets() {
        Random r = new Random(11);
        for (int iter = 0; iter < 200; iter++) {
            int n = r.nextInt(70);
            int off = r.nextInt(5);
            float[] x = new float[n + off];
            System.arraycopy(inputs(r, n), 0, x, off, n);
            float[] ye = new float[n + 3];
            float[] yt = new float[n + 3];
            VectorGelu.erf(x, off, ye, 3, n);
            VectorGelu.tanh(x, off, yt, 3, n);
            for (int i = 0; i < n; i++) {
                Tolerances.assertMathClose("geluErf", x[off + i], ye[3 + i], erfRef(x[off + i]));
                Tolerances.assertMathClose("geluTanh", x[off + i], yt[3 + i], tanhRef(x[off + i]));
            }
        }
    }

    @Test
    void writesOnlyItsRangeAndMayRunInPlace() {
        float[] x = {1f, -2f, 0.25f, 3f, -0.75f, 2f, -1f, 0.5f, 1.5f, -3f, 7f};
        float[] y = new float[x.length + 2];
        y[0] = 42f;
        y[y.length - 1] = 43f;
        VectorGelu.erf(x, 0, y, 1, x.length);
        assertThat(y[0]).isEqualTo(42f);
        assertThat(y[y.length - 1]).isEqualTo(43f);
        float[] inPlace = x.clone();
        VectorGelu.erf(inPlace, 0, inPlace, 0, inPlace.length);
        for (int i = 0; i < x.length; i++) {
            assertThat(inPlace[i]).isEqualTo(y[i + 1]);
        }
    }

    @Test
    void negativeTailKeepsRelativeAccuracy() {
        // 1 - erf would cancel here; the erfc form keeps the result relative (checked against erfc in double).
        for (float x = -9f; x < -2f; x += 0.0625f) {
            float[] y = new float[1];
            VectorGelu.erf(new float[] {x}, 0, y, 0, 1);
            double ref = x * 0.5 * erfcDouble(-x / Math.sqrt(2));
            assertThat(Math.abs(y[0] - ref)).as("x=%s", x).isLessThanOrEqualTo(1e-5 * Math.abs(ref));
        }
    }

    /** erfc by its continued fraction (valid and accurate for z > 1.4), independent of the kernel's fit. */
    private static double erfcDouble(double z) {
        double f = 0;
        for (int k = 200; k >= 1; k--) {
            f = (k / 2.0) / (z + f);
        }
        return Math.exp(-z * z) / Math.sqrt(Math.PI) / (z + f);
    }
}
