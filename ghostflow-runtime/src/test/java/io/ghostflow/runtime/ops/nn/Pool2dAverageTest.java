package io.ghostflow.runtime.ops.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * The vector AveragePool against the generic tap-by-tap loop on random geometry: ragged widths,
 * kernels 1..5, strides 1..3, begin and end pads, last windows hanging over the end (ceil mode),
 * with and without count_include_pad. Tolerance 1e-5 absolute on values in [-10, 10) (float lane
 * sums of at most 25 terms against double).
 */
class Pool2dAverageTest {
    @RepeatedTest(200)
    void matchesTheGenericLoop(RepetitionInfo repetition) {
        Random random = new Random(20261127L + repetition.getCurrentRepetition());
        int kh = 1 + random.nextInt(5);
        int kw = 1 + random.nextInt(5);
        int sh = 1 + random.nextInt(3);
        int sw = 1 + random.nextInt(3);
        int ph = random.nextInt(kh);
        int pw = random.nextInt(kw);
        int ih = kh + random.nextInt(20);
        int iw = kw + random.nextInt(40);
        int oh = (ih + 2 * ph - kh + sh - 1 + random.nextInt(2) * (sh - 1)) / sh + 1;
        int ow = (iw + 2 * pw - kw + sw - 1 + random.nextInt(2) * (sw - 1)) / sw + 1;
        int planes = 1 + random.nextInt(3);
        float[] x = new float[planes * ih * iw];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() * 20 - 10;
        }
        Window.Geometry g = new Window.Geometry(new int[] {kh, kw}, new int[] {sh, sw}, new int[] {1, 1},
                new int[] {ph, pw}, new int[] {ph, pw}, new int[] {ih, iw}, new int[] {oh, ow});
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
