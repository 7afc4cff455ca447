package io.ghostflow.runtime.ops.fused;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.kernels.VectorMath;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The single-loop GELU against VectorMath's (same polynomials, so bit-identical) and against the
 * double-precision scalar reference, on ragged lengths, offsets and special values.
 */
class GeluLoopsTest {
    private final Random rnd = new Random(11);

    @Test
    void bitIdenticalToVectorMathOnRaggedRanges() {
        for (boolean tanh : new boolean[] {false, true}) {
            Activation act = Activation.of(tanh ? Activation.Kind.GELU_TANH : Activation.Kind.GELU);
            io.ghostflow.kernels.Activation ref = tanh ? io.ghostflow.kernels.Activation.GELU_TANH
                    : io.ghostflow.kernels.Activation.GELU_ERF;
            for (int n : new int[] {1, 3, 7, 8, 9, 16, 31, 64, 100, 1000}) {
                for (int off : new int[] {0, 5}) {
                    float[] x = values(off + n + 3);
                    float[] want = x.clone();
                    VectorMath.activation(ref, x, off, want, off, n);
                    float[] got = x.clone();
                    GeluLoops.apply(act, got, off, n, 1);
                    for (int i = 0; i < got.length; i++) {
                        assertThat(Float.floatToIntBits(got[i])).as(act + " n=" + n + " off=" + off + " i=" + i + " x=" + x[i])
                                .isEqualTo(Float.floatToIntBits(want[i]));
                    }
                }
            }
        }
    }

    @Test
    void closeToScalarReferenceAndSplitAcrossThreads() {
        for (boolean tanh : new boolean[] {false, true}) {
            Activation act = Activation.of(tanh ? Activation.Kind.GELU_TANH : Activation.Kind.GELU);
            int n = 40_000 + 5;
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) (rnd.nextGaussian() * 4);
            }
            float[] got = x.clone();
            GeluLoops.apply(act, got, 0, n, 2);
            for (int i = 0; i < n; i++) {
                float want = act.apply(x[i]);
                assertThat(Math.abs(got[i] - want)).as(act + " at x=" + x[i]).isLessThanOrEqualTo(1e-5f * (1 + Math.abs(want)));
            }
        }
    }

    /** Gaussian values of several scales plus zeros, infinities, NaN and the float limits. */
    private float[] values(int n) {
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE,
            -Float.MAX_VALUE, 0.49f, -0.51f, 0.625f, -12f, 20f};
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i % 7 == 3 ? special[(i / 7) % special.length] : (float) (rnd.nextGaussian() * (1 + i % 4 * 3));
        }
        return v;
    }
}
