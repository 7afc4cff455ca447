package io.ghostflow.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * 1x1 convolutions with a stride above 1 as the pointwise convolution of the subsampled pixels:
 * which convolutions take it, results against the reference on random geometry (odd and even
 * widths, strides 1 to 4 on each axis with at least one above 1, single images and batches, one and
 * two threads, every epilogue), and bit-identity with the GEMM over the explicitly subsampled input,
 * for single images and for batches whose images share one GEMM (small outputs) or run one by one.
 */
class SubsampledPointwiseTest {
    private static Conv2d.Params conv(int n, int c, int h, int w, int outC, int sh, int sw, int pad) {
        return new Conv2d.Params(n, c, h, w, outC, 1, 1, sh, sw, pad, pad, pad, pad, 1, 1, 1);
    }

    @Test
    void stridedUnpaddedOneByOneConvolutionsAreSubsampled() {
        assertThat(SubsampledPointwise.suits(conv(1, 64, 56, 56, 128, 2, 2, 0))).as("resnet downsample").isTrue();
        assertThat(SubsampledPointwise.suits(conv(1, 64, 56, 56, 128, 1, 3, 0))).as("stride along W only").isTrue();
        assertThat(SubsampledPointwise.suits(conv(1, 64, 56, 56, 128, 1, 1, 0))).as("stride 1: plain pointwise").isFalse();
        assertThat(SubsampledPointwise.suits(conv(1, 64, 56, 56, 128, 2, 2, 1))).as("padded").isFalse();
        assertThat(SubsampledPointwise.suits(new Conv2d.Params(1, 64, 56, 56, 128, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, 1)))
                .as("3x3").isFalse();
        assertThat(SubsampledPointwise.suits(new Conv2d.Params(1, 64, 56, 56, 128, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 2)))
                .as("grouped").isFalse();
    }

    @Test
    void randomSubsampledConvolutionsMatchTheReference() {
        Random r = new Random(43);
        for (int iter = 0; iter < 80; iter++) {
            int n = iter % 4 == 0 ? 2 + r.nextInt(3) : 1;
            int h = 1 + r.nextInt(40);
            int w = 1 + r.nextInt(70);
            // every fifth one on larger planes
            if (iter % 5 == 0) {
                h = 64 + r.nextInt(8);
                w = 64 + r.nextInt(9);
            }
            Conv2d.Params p = conv(n, 1 + r.nextInt(70), h, w, 1 + r.nextInt(40), 1 + r.nextInt(4), 2 + r.nextInt(3), 0);
            if (iter % 3 == 0) {
                p = conv(n, p.c(), h, w, p.outC(), 2 + r.nextInt(3), 1, 0);
            }
            assertThat(SubsampledPointwise.suits(p)).as(p.toString()).isTrue();
            ConvChecks.againstReference(p, ConvChecks.randomEpilogue(r, iter), r, 1 + iter % 2, 0.0);
        }
    }

    @Test
    void resultsAreBitIdenticalToTheGemmOverTheSubsampledPixels() {
        Random r = new Random(44);
        for (Conv2d.Params p : new Conv2d.Params[] {conv(1, 64, 56, 56, 128, 2, 2, 0), conv(1, 128, 29, 29, 36, 2, 2, 0),
                conv(3, 40, 14, 15, 24, 2, 2, 0), conv(2, 8, 70, 66, 12, 2, 2, 0), conv(1, 7, 33, 50, 12, 3, 2, 0)}) {
            // 3 x 7 x 8 outputs share one GEMM; 2 x 35 x 33 (1155 per image) run image by image
            int ohw = p.outH() * p.outW();
            float[] w = Tolerances.random(r, p.outC() * p.c());
            float[] x = Tolerances.random(r, p.n() * p.c() * p.h() * p.w());
            Epilogue epi = Epilogue.of(Activation.RELU).withRowBias(Tolerances.random(r, p.outC()), 0);
            float[] got = new float[p.n() * p.outC() * ohw];
            Conv2d.prepare(w, p).run(x, got, epi, 2);
            PackedA a = Gemm.packA(w, 0, p.outC(), p.c(), false);
            for (int n = 0; n < p.n(); n++) {
                float[] pixels = new float[p.c() * ohw];
                for (int c = 0; c < p.c(); c++) {
                    for (int oy = 0; oy < p.outH(); oy++) {
                        for (int ox = 0; ox < p.outW(); ox++) {
                            pixels[(c * p.outH() + oy) * p.outW() + ox] =
                                    x[((n * p.c() + c) * p.h() + oy * p.strideH()) * p.w() + ox * p.strideW()];
                        }
                    }
                }
                float[] want = new float[p.outC() * ohw];
                Gemm.gemm(p.outC(), ohw, p.c(), 1f, a, pixels, 0, ohw, false, 0f, want, 0, ohw, epi, 1);
                float[] image = java.util.Arrays.copyOfRange(got, n * want.length, (n + 1) * want.length);
                assertThat(image).as("%s image %d", p, n).containsExactly(want);
            }
        }
    }
}
