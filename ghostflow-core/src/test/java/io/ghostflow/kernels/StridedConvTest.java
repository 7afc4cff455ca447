package io.ghostflow.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The direct kernel for strided shallow convolutions: which convolutions take it, results against
 * the reference on random geometry (padding, strides 2 and 3, ragged rows, batches, threads), and
 * bit-identity with the packed GEMM over an explicit im2col matrix, which is what it replaces.
 */
class StridedConvTest {
    private static final Epilogue RELU_BIAS = Epilogue.of(Activation.RELU).withRowBias(new float[64], 0);
    /** The kernel needs output rows at least a register tile wide: 16 columns on AVX2, 32 on AVX-512. */
    private static final int NR = Gemm.tileColumns();
    /** Widens the test images with the tile, so the same shapes take the kernel on every vector width. */
    private static final int WIDEN = Math.max(1, NR / 16);

    private static Conv2d.Params conv(int n, int c, int h, int outC, int k, int s, int pad) {
        return new Conv2d.Params(n, c, h, h, outC, k, k, s, s, pad, pad, pad, pad, 1, 1, 1);
    }

    private static boolean suits(Conv2d.Params p, Epilogue epi) {
        float[] w = new float[p.outC() * p.c() * p.kH() * p.kW()];
        return StridedConv.suits(p, Gemm.packA(w, 0, p.outC(), p.c() * p.kH() * p.kW(), false), epi);
    }

    @Test
    void stemsAndStridedShallowConvolutionsAreDirect() {
        assertThat(suits(conv(1, 3, 224, 64, 3, 2, 0), RELU_BIAS)).as("squeezenet stem").isTrue();
        assertThat(suits(conv(1, 3, 224, 32, 3, 2, 1), Epilogue.of(Activation.relu6()))).as("mobilenet stem").isTrue();
        assertThat(suits(conv(1, 3, 224, 64, 7, 2, 3), RELU_BIAS)).as("resnet stem").isTrue();
        assertThat(suits(conv(1, 64, 56 * WIDEN, 128, 1, 2, 0), Epilogue.NONE)).as("1x1 downsample").isTrue();
        // stride 1, deep, grouped, sigmoid or residual epilogues, narrow outputs, ragged channel counts take other paths
        assertThat(suits(conv(1, 3, 224, 64, 3, 1, 1), RELU_BIAS)).isFalse();
        assertThat(suits(conv(1, 64, 56, 128, 3, 2, 1), RELU_BIAS)).isFalse();
        assertThat(suits(conv(1, 3, 224, 64, 3, 2, 1), Epilogue.of(Activation.SIGMOID))).isFalse();
        assertThat(suits(conv(1, 3, 224, 64, 3, 2, 1), RELU_BIAS.withResidual(new float[0], 0, 0))).isFalse();
        assertThat(suits(conv(1, 3, 24, 64, 3, 2, 1), RELU_BIAS)).as("12 output columns").isFalse();
        assertThat(suits(conv(1, 3, 224, 30, 3, 2, 1), RELU_BIAS)).isFalse();
        assertThat(suits(new Conv2d.Params(1, 4, 64, 64, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 2), RELU_BIAS)).isFalse();
        assertThat(suits(new Conv2d.Params(1, 4, 64, 64, 8, 3, 3, 2, 2, 1, 1, 1, 1, 2, 2, 1), RELU_BIAS)).isFalse();
    }

    @Test
    void randomStridedConvolutionsMatchTheReference() {
        Random r = new Random(41);
        int taken = 0;
        for (int iter = 0; iter < 150; iter++) {
            int c = 1 + r.nextInt(5);
            int m = 4 * (1 + r.nextInt(5));
            int kh = 1 + r.nextInt(7);
            int kw = 1 + r.nextInt(7);
            int sh = 1 + r.nextInt(3);
            int sw = 2 + r.nextInt(2);
            int h = kh + r.nextInt(30);
            int w = Math.max(kw, NR * sw) + r.nextInt(60);
            Conv2d.Params p = new Conv2d.Params(1 + r.nextInt(2), c, h, w, m, kh, kw, sh, sw, r.nextInt(4), r.nextInt(4),
                    r.nextInt(4), r.nextInt(4), 1, 1, 1);
            Epilogue epi = iter % 3 == 0 ? Epilogue.NONE : iter % 3 == 1 ? RELU_BIAS : Epilogue.of(Activation.relu6());
            if (!suits(p, epi)) {
                continue;
            }
            taken++;
            ConvChecks.againstReference(p, epi, r, 1 + iter % 2, 0.0);
        }
        assertThat(taken).as("shapes that took the direct kernel").isGreaterThan(60);
    }

    @Test
    void resultsAreBitIdenticalToThePackedGemmOverIm2col() {
        Random r = new Random(42);
        for (Conv2d.Params p : new Conv2d.Params[] {conv(2, 3, 57 * WIDEN, 16, 3, 2, 0), conv(1, 3, 49 * WIDEN, 8, 3, 2, 1),
                conv(1, 3, 70 * WIDEN, 12, 7, 2, 3), new Conv2d.Params(1, 5, 40, 90 * WIDEN, 8, 1, 3, 1, 3, 0, 2, 0, 1, 1, 1, 1)}) {
            int k = p.c() * p.kH() * p.kW();
            int ohw = p.outH() * p.outW();
            float[] w = Tolerances.random(r, p.outC() * k);
            float[] x = Tolerances.random(r, p.n() * p.c() * p.h() * p.w());
            Epilogue epi = Epilogue.of(Activation.relu6()).withRowBias(Tolerances.random(r, p.outC()), 0);
            assertThat(suits(p, epi)).as(p.toString()).isTrue();
            float[] got = new float[p.n() * p.outC() * ohw];
            Conv2d.prepare(w, p).run(x, got, epi, 1);
            PackedA a = Gemm.packA(w, 0, p.outC(), k, false);
            for (int n = 0; n < p.n(); n++) {
                float[] cols = im2col(p, x, n * p.c() * p.h() * p.w());
                float[] want = new float[p.outC() * ohw];
                Gemm.gemm(p.outC(), ohw, k, 1f, a, cols, 0, ohw, false, 0f, want, 0, ohw, epi, 1);
                float[] image = Arrays.copyOfRange(got, n * want.length, (n + 1) * want.length);
                assertThat(image).as("%s image %d", p, n).containsExactly(want);
            }
        }
    }

    /** The [C * kH * kW, OH * OW] matrix of input taps, zeros for the padding. */
    private static float[] im2col(Conv2d.Params p, float[] x, int xo) {
        int oh = p.outH();
        int ow = p.outW();
        float[] cols = new float[p.c() * p.kH() * p.kW() * oh * ow];
        int row = 0;
        for (int c = 0; c < p.c(); c++) {
            for (int ky = 0; ky < p.kH(); ky++) {
                for (int kx = 0; kx < p.kW(); kx++, row++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            int iy = oy * p.strideH() - p.padTop() + ky;
                            int ix = ox * p.strideW() - p.padLeft() + kx;
                            if (iy >= 0 && iy < p.h() && ix >= 0 && ix < p.w()) {
                                cols[(row * oh + oy) * ow + ox] = x[xo + (c * p.h() + iy) * p.w() + ix];
                            }
                        }
                    }
                }
            }
        }
        return cols;
    }
}
