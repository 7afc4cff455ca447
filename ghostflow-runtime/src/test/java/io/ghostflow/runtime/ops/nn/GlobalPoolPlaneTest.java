package io.ghostflow.runtime.ops.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * One plane of GlobalAveragePool / GlobalMaxPool / GlobalLpPool (vector sum and maximum) against
 * a scalar double-precision reference, on planes of 1..300 elements at random offsets (ragged
 * vector tails). Average: within 1e-5 (float lane sums of at most 300 terms in [-10, 10], added in
 * lane order, see VectorMath.sumLanes); max: exact.
 */
class GlobalPoolPlaneTest {
    @RepeatedTest(100)
    void matchesTheScalarReference(RepetitionInfo repetition) {
        Random random = new Random(20261127L + repetition.getCurrentRepetition());
        int sz = 1 + random.nextInt(300);
        int off = random.nextInt(17);
        float[] x = new float[off + sz + random.nextInt(17)];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() * 20 - 10;
        }
        double sum = 0;
        double sumSquares = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + sz; i++) {
            sum += x[i];
            sumSquares += (double) x[i] * x[i];
            max = Math.max(max, x[i]);
        }
        assertThat(Pool.globalPlane(Pool.Kind.AVERAGE, 0f, x, off, sz)).isCloseTo((float) (sum / sz), within(1e-6f * 10));
        assertThat(Pool.globalPlane(Pool.Kind.MAX, 0f, x, off, sz)).isEqualTo(max);
        assertThat((double) Pool.globalPlane(Pool.Kind.LP, 2f, x, off, sz)).isCloseTo(Math.sqrt(sumSquares), within(1e-4));
    }

    @Test
    void aNaNAnywhereInThePlaneMakesTheMaximumNaN() {
        for (int at : new int[] {0, 15, 16, 40}) {
            float[] x = new float[41];
            java.util.Arrays.fill(x, Float.NEGATIVE_INFINITY);
            x[at] = Float.NaN;
            assertThat(Pool.globalPlane(Pool.Kind.MAX, 0f, x, 0, 41)).as("NaN at %d", at).isNaN();
        }
    }

    @Test
    void aPlaneOfMinusInfinityHasMaximumMinusInfinity() {
        float[] x = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        assertThat(Pool.globalPlane(Pool.Kind.MAX, 0f, x, 0, 3)).isEqualTo(Float.NEGATIVE_INFINITY);
    }
}
