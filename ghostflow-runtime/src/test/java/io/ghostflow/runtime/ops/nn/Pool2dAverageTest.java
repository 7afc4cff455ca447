package io.ghostflow.runtime.ops.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * The vector AveragePool against the generic tap-by-tap loop on random geometry
 * ({@link PoolGeometries}), with and without count_include_pad. Tolerance 1e-5 absolute on values
 * in [-10, 10) (float lane sums of at most 25 terms against double).
 */
class Pool2dAverageTest {
    @RepeatedTest(200)
    void matchesTheGenericLoop(RepetitionInfo repetition) {
        Random random = new Random(20261127L + repetition.getCurrentRepetition());
        Window.Geometry g = PoolGeometries.random(random);
        int ih = g.in()[0];
        int iw = g.in()[1];
        int oh = g.out()[0];
        int ow = g.out()[1];
        int planes = 1 + random.nextInt(3);
        float[] x = PoolGeometries.values(random, planes * ih * iw);
        for (boolean includePad : new boolean[] {false, true}) {
            float[] y = new float[planes * oh * ow];
            Pool2d.run(false, includePad, x, y, planes, g, 1 + random.nextInt(2));
            float[] expected = new float[y.length];
            for (int p = 0; p < planes; p++) {
                Pool2d.plane(false, includePad, x, p * ih * iw, expected, p * oh * ow, g);
            }
            for (int i = 0; i < y.length; i++) {
                if (Float.isNaN(expected[i])) {
                    assertThat(y[i]).as("output %d (include pad %s)", i, includePad).isNaN();
                } else {
                    assertThat(y[i]).as("output %d (include pad %s)", i, includePad).isCloseTo(expected[i], within(1e-5f));
                }
            }
        }
    }
}
