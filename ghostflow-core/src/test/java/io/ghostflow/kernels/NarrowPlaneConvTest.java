package io.ghostflow.kernels;

import static io.ghostflow.kernels.ConvChecks.square;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The transposed GEMM for small output planes: which convolutions take it, and results against
 * the reference on random geometry (pointwise without im2col, padding, strides, dilations, ragged
 * pixel counts, batches with a residual per image, threads).
 */
class NarrowPlaneConvTest {
    private static final int NR = Gemm.tileColumns();

    @Test
    void smallPlanesWithEnoughChannelsGoTransposed() {
        assumeTrue(NR >= 32, "the transposed GEMM is used with 32-column tiles only");
        assertThat(NarrowPlaneConv.suits(square(1, 512, 7, 512, 3, 1, 1))).as("resnet18 layer4").isTrue();
        assertThat(NarrowPlaneConv.suits(square(1, 256, 14, 512, 3, 2, 1))).as("resnet18 layer4 stride 2").isTrue();
        assertThat(NarrowPlaneConv.suits(square(1, 960, 7, 160, 1, 1, 0))).as("mobilenet 7x7 projection").isTrue();
        assertThat(NarrowPlaneConv.suits(square(1, 64, 56, 64, 3, 1, 1))).as("a wide plane").isFalse();
        assertThat(NarrowPlaneConv.suits(square(2, 512, 7, 512, 3, 1, 1))).as("a batch: decided per image").isTrue();
        assertThat(NarrowPlaneConv.suits(square(1, 64, 7, NR - 1, 3, 1, 1))).as("fewer channels than lanes").isFalse();
        assertThat(NarrowPlaneConv.suits(new Conv2d.Params(1, 64, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2)))
                .as("grouped").isFalse();
    }

    @Test
    void randomNarrowConvolutionsMatchTheReference() {
        assumeTrue(NR >= 32, "the transposed GEMM is used with 32-column tiles only");
        Random r = new Random(43);
        int taken = 0;
        for (int iter = 0; iter < 60; iter++) {
            int c = 1 + r.nextInt(40);
            int m = NR + r.nextInt(3 * NR);
            int kh = 1 + r.nextInt(3);
            int kw = 1 + r.nextInt(3);
            int s = 1 + r.nextInt(2);
            int d = 1 + r.nextInt(2);
            int h = d * (kh - 1) + 1 + r.nextInt(9);
            int w = d * (kw - 1) + 1 + r.nextInt(9);
            int pad = iter % 4 == 0 ? 0 : r.nextInt(2);
            Conv2d.Params p = iter % 5 == 0
                    ? new Conv2d.Params(1 + r.nextInt(3), c, h, w, m, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1)
                    : new Conv2d.Params(1 + r.nextInt(3), c, h, w, m, kh, kw, s, s, pad, r.nextInt(2), pad, r.nextInt(2),
                            d, d, 1);
            if (!NarrowPlaneConv.suits(p)) {
                continue;
            }
            taken++;
            ConvChecks.againstReference(p, ConvChecks.randomEpilogue(r, iter), r, 1 + iter % 2, 0.0);
        }
        assertThat(taken).as("shapes that took the transposed GEMM").isGreaterThan(30);
    }

    /**
     * Stride 1 with output planes the input's size (resnet18's 7 x 7 layers): the im2col as shifted
     * planes, for every split of the padding between the two sides, kernels up to 5 wide and planes
     * down to one row or column.
     */
    @Test
    void samePaddedPlanesMatchTheReference() {
        assumeTrue(NR >= 32, "the transposed GEMM is used with 32-column tiles only");
        Random r = new Random(47);
        for (int iter = 0; iter < 40; iter++) {
            int kh = 1 + r.nextInt(5);
            int kw = 1 + r.nextInt(5);
            int h = 1 + r.nextInt(8);
            int w = 1 + r.nextInt(Math.min(8, 64 / h));
            int top = r.nextInt(kh);
            int left = r.nextInt(kw);
            Conv2d.Params p = new Conv2d.Params(1 + r.nextInt(2), 1 + r.nextInt(12), h, w, NR + r.nextInt(NR), kh, kw,
                    1, 1, top, left, kh - 1 - top, kw - 1 - left, 1, 1, 1);
            assertThat(p.outH()).isEqualTo(h);
            assertThat(p.outW()).isEqualTo(w);
            if (h * w % NR == 0 || kh * kw == 1) {
                continue;
            }
            assertThat(NarrowPlaneConv.suits(p)).isTrue();
            int threads = 1 + iter % 2;
            // NarrowPlaneConv itself: Conv2d gives planes this small to DirectConv when the work is small.
            ConvChecks.againstReference(p, ConvChecks.randomEpilogue(r, iter), r, 0.0,
                    (wt, x, y, epi) -> NarrowPlaneConv.run(p, NarrowPlaneConv.pack(wt, 0, p), x, 0, y, 0, epi, threads));
        }
    }
}
