package io.ghostflow.runtime.ops.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * ConvTranspose's 2-D col2im against the any-rank loop, bit for bit (same sums, same order), on
 * random kernels 1..5, strides 1..3, dilations 1..2 and pads, with output sizes from the
 * ConvTranspose formula plus or minus an output padding.
 */
class ConvTransposeCol2imTest {
    @RepeatedTest(150)
    void matchesTheAnyRankLoop(RepetitionInfo repetition) {
        Random random = new Random(20261127L + repetition.getCurrentRepetition());
        int[] k = {1 + random.nextInt(5), 1 + random.nextInt(5)};
        int[] s = {1 + random.nextInt(3), 1 + random.nextInt(3)};
        int[] d = {1 + random.nextInt(2), 1 + random.nextInt(2)};
        int[] in = {1 + random.nextInt(9), 1 + random.nextInt(12)};
        int[] pb = {random.nextInt(k[0]), random.nextInt(k[1])};
        int[] pe = {random.nextInt(k[0]), random.nextInt(k[1])};
        int[] out = new int[2];
        for (int i = 0; i < 2; i++) {
            out[i] = Math.max(1, s[i] * (in[i] - 1) + (k[i] - 1) * d[i] + 1 - pb[i] - pe[i] + random.nextInt(2));
        }
        Window.Geometry g = new Window.Geometry(k, s, d, pb, pe, in, out);
        int channels = 1 + random.nextInt(3);
        float[] col = PoolGeometries.values(random, channels * k[0] * k[1] * in[0] * in[1]);
        float[] fast = new float[channels * out[0] * out[1] + 3];
        float[] slow = new float[fast.length];
        ConvTranspose.col2im2d(col, channels, g, fast, 1);
        ConvTranspose.col2imNd(col, channels, g, slow, 1);
        assertThat(fast).containsExactly(slow);
    }
}
