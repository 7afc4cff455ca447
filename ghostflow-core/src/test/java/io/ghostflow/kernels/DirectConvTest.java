package io.ghostflow.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The direct kernel for small stride-1 convolutions against the reference, and batch-size independence. */
class DirectConvTest {
    @Test
    void lenetShapesAreDirect() {
        assertThat(DirectConv.suits(new Conv2d.Params(1, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1))).isTrue();
        assertThat(DirectConv.suits(new Conv2d.Params(1, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1))).isTrue();
        // strided, dilated, wide or deep convolutions take the packed GEMM
        assertThat(DirectConv.suits(new Conv2d.Params(1, 3, 224, 224, 64, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1))).isFalse();
        assertThat(DirectConv.suits(new Conv2d.Params(1, 512, 7, 7, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1))).isFalse();
        assertThat(DirectConv.suits(new Conv2d.Params(1, 4, 12, 12, 4, 3, 3, 1, 1, 0, 0, 0, 0, 2, 2, 1))).isFalse();
    }

    @Test
    void randomSmallConvolutionsMatchTheReference() {
        Random r = new Random(31);
        for (int iter = 0; iter < 120; iter++) {
            int c = 1 + r.nextInt(6);
            int m = 1 + r.nextInt(9);
            int kh = 1 + r.nextInt(5);
            int kw = 1 + r.nextInt(5);
            int h = kh + r.nextInt(20);
            int w = kw + r.nextInt(26);
            Conv2d.Params p = new Conv2d.Params(1 + r.nextInt(3), c, h, w, m, kh, kw, 1, 1, r.nextInt(3), r.nextInt(3),
                    r.nextInt(3), r.nextInt(3), 1, 1, 1);
            if (!DirectConv.suits(p)) {
                continue;
            }
            Epilogue epi = ConvChecks.randomEpilogue(r, iter);
            ConvChecks.againstReference(p, epi, r, 1 + iter % 2, 2.0);
        }
    }

    @Test
    void eachImageOfABatchEqualsItsSingleRunBitForBit() {
        Random r = new Random(32);
        Conv2d.Params batch = new Conv2d.Params(3, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1);
        Conv2d.Params one = new Conv2d.Params(1, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1);
        float[] wts = Tolerances.random(r, 16 * 6 * 25);
        float[] x = Tolerances.random(r, 3 * 6 * 14 * 14);
        Epilogue epi = Epilogue.of(Activation.RELU).withRowBias(Tolerances.random(r, 16), 0);
        Conv2d conv = Conv2d.prepare(wts, batch);
        float[] all = new float[3 * 16 * 100];
        conv.run(x, all, epi, 2);
        for (int n = 0; n < 3; n++) {
            float[] single = new float[16 * 100];
            conv.rebind(one).run(x, n * 6 * 14 * 14, single, 0, epi, 1);
            float[] part = java.util.Arrays.copyOfRange(all, n * 1600, (n + 1) * 1600);
            assertThat(single).as("image %d", n).containsExactly(part);
        }
    }
}
