package io.ghostflow.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The pixel-major stem (convolution with channels as lanes, max pool of whole vectors, bias and
 * clamp after the pool) against a scalar reference that sums each output's taps in im2col order
 * with {@link Math#fma} from zero, adds the bias, clamps, and takes each window's maximum: bit for
 * bit, on random geometry (1-4 input channels, kernels 1-7, strides, uneven padding, pool windows
 * 1-3 by 1-3 with and without a padding row and column, ceil mode, batches of 1-2, 1-2 threads so
 * that a thread boundary splits the bands).
 */
class PixelRowsConvMaxPoolTest {
    private static final int CHANNELS = 4 * GemmBlocking.L;

    @Test
    void theStemsOfSqueezenetAndResnetTakeIt() {
        assumeTrue(GemmPairKernel.ENABLED && GemmBlocking.NR == 2 * GemmBlocking.L, "32 registers, two-vector panels");
        Epilogue relu = Epilogue.of(Activation.RELU).withRowBias(new float[64], 0);
        Conv2d squeezenet = Conv2d.prepare(new float[64 * 27], new Conv2d.Params(1, 3, 224, 224, 64, 3, 3, 2, 2, 0, 0, 0, 0, 1,
                1, 1));
        Conv2d resnet = Conv2d.prepare(new float[64 * 147], new Conv2d.Params(1, 3, 224, 224, 64, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1,
                1));
        boolean wholeTiles = 64 % CHANNELS == 0;
        assertThat(PixelRowsConvMaxPool.suits(squeezenet, relu, new StridedConvMaxPool.Pool(3, 3, 2, 0, 0, 55, 55)))
                .isEqualTo(wholeTiles);
        assertThat(PixelRowsConvMaxPool.suits(resnet, relu, new StridedConvMaxPool.Pool(3, 3, 2, 1, 1, 56, 56)))
                .isEqualTo(wholeTiles);
        // an activation that is applied before the pool only (not monotone in the way bias and clamp are)
        assertThat(PixelRowsConvMaxPool.suits(squeezenet, Epilogue.of(Activation.SIGMOID),
                new StridedConvMaxPool.Pool(3, 3, 2, 0, 0, 55, 55))).isFalse();
        // output channels that are not whole tiles; a stride-1 convolution (not a stem)
        Conv2d narrow = Conv2d.prepare(new float[(CHANNELS + 8) * 27], new Conv2d.Params(1, 3, 64, 64, CHANNELS + 8, 3, 3, 2,
                2, 0, 0, 0, 0, 1, 1, 1));
        assertThat(PixelRowsConvMaxPool.suits(narrow, relu, new StridedConvMaxPool.Pool(3, 3, 2, 0, 0, 15, 15))).isFalse();
        Conv2d unit = Conv2d.prepare(new float[64 * 27], new Conv2d.Params(1, 3, 64, 64, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1));
        assertThat(PixelRowsConvMaxPool.suits(unit, relu, new StridedConvMaxPool.Pool(3, 3, 2, 0, 0, 31, 31))).isFalse();
    }

    @Test
    void randomStemsMatchTheFmaChainThenTheWindowMaximaBitForBit() {
        assumeTrue(GemmPairKernel.ENABLED && GemmBlocking.NR == 2 * GemmBlocking.L, "32 registers, two-vector panels");
        Random r = new Random(47);
        int taken = 0;
        for (int iter = 0; iter < 200 && taken < 60; iter++) {
            int c = 1 + r.nextInt(4);
            int m = CHANNELS * (1 + r.nextInt(2));
            int kh = 1 + r.nextInt(7);
            int kw = 1 + r.nextInt(7);
            int sh = 1 + r.nextInt(3);
            int sw = 2 + r.nextInt(2);
            int h = kh + r.nextInt(30);
            int w = 6 * sw + kw + r.nextInt(40);
            Conv2d.Params p = new Conv2d.Params(1 + r.nextInt(2), c, h, w, m, kh, kw, sh, sw, r.nextInt(kh), r.nextInt(kw),
                    r.nextInt(kh), r.nextInt(kw), 1, 1, 1);
            int pkh = 1 + r.nextInt(3);
            int pkw = 1 + r.nextInt(3);
            int psh = 1 + r.nextInt(pkh);
            int pad = r.nextInt(2);
            boolean ceil = r.nextBoolean();
            StridedConvMaxPool.Pool pool = new StridedConvMaxPool.Pool(pkh, pkw, psh, Math.min(pad, pkh - 1),
                    Math.min(pad, pkw - 1), outSize(p.outH(), pkh, psh, Math.min(pad, pkh - 1), ceil),
                    outSize(p.outW(), pkw, 2, Math.min(pad, pkw - 1), ceil));
            float[] weights = Tolerances.random(r, m * c * kh * kw);
            float[] bias = Tolerances.random(r, m);
            Conv2d conv = Conv2d.prepare(weights, p);
            Epilogue epi = iter % 3 == 0 ? Epilogue.NONE
                    : Epilogue.of(iter % 3 == 1 ? Activation.RELU : Activation.relu6()).withRowBias(bias, 0);
            if (pool.oh() <= 0 || pool.ow() <= 0 || !PixelRowsConvMaxPool.suits(conv, epi, pool)) {
                continue;
            }
            taken++;
            float[] x = Tolerances.random(r, p.n() * c * h * w);
            float[] got = new float[p.n() * m * pool.oh() * pool.ow()];
            assertThat(PixelRowsConvMaxPool.run(conv, epi, pool, x, 0, got, 0, 1 + iter % 2)).isTrue();
            assertThat(got).as("%s, pool %s", p, pool).isEqualTo(expected(p, weights, epi, pool, x));
        }
        assertThat(taken).as("geometries taken").isGreaterThanOrEqualTo(40);
    }

    @Test
    void nonFiniteConvolutionOutputsAreLeftToTheCaller() {
        assumeTrue(GemmPairKernel.ENABLED && GemmBlocking.NR == 2 * GemmBlocking.L, "32 registers, two-vector panels");
        Conv2d.Params p = new Conv2d.Params(1, 3, 80, 80, CHANNELS, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1);
        Random r = new Random(48);
        Conv2d conv = Conv2d.prepare(Tolerances.random(r, CHANNELS * 27), p);
        StridedConvMaxPool.Pool pool = new StridedConvMaxPool.Pool(3, 3, 2, 1, 1, 20, 20);
        assertThat(PixelRowsConvMaxPool.suits(conv, Epilogue.NONE, pool)).isTrue();
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            for (int threads = 1; threads <= 2; threads++) {
                float[] x = Tolerances.random(r, 3 * 80 * 80);
                x[2 * 80 * 80 + 70 * 80 + 33] = bad;
                float[] y = new float[CHANNELS * pool.oh() * pool.ow()];
                assertThat(PixelRowsConvMaxPool.run(conv, Epilogue.NONE, pool, x, 0, y, 0, threads)).as("%s", bad)
                        .isFalse();
            }
        }
    }

    /** ONNX MaxPool's output size with pads on both sides; in ceil mode a last window starting in the end padding is dropped. */
    private static int outSize(int in, int k, int s, int pad, boolean ceil) {
        int span = in + 2 * pad - k;
        if (span < 0) {
            return 0;
        }
        int out = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (out - 1) * s >= in + pad) {
            out--;
        }
        return out;
    }

    /** Each output as the FMA chain over its taps in im2col order from zero, bias and clamp, then each window's maximum. */
    private static float[] expected(Conv2d.Params p, float[] w, Epilogue epi, StridedConvMaxPool.Pool pool, float[] x) {
        int oh = p.outH();
        int ow = p.outW();
        float[] conv = new float[p.n() * p.outC() * oh * ow];
        for (int n = 0; n < p.n(); n++) {
            for (int m = 0; m < p.outC(); m++) {
                float b = epi.rowBias() == null ? -0f : epi.rowBias()[m];
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float acc = 0f;
                        for (int ch = 0; ch < p.c(); ch++) {
                            for (int ky = 0; ky < p.kH(); ky++) {
                                for (int kx = 0; kx < p.kW(); kx++) {
                                    int iy = oy * p.strideH() - p.padTop() + ky;
                                    int ix = ox * p.strideW() - p.padLeft() + kx;
                                    float v = iy >= 0 && iy < p.h() && ix >= 0 && ix < p.w()
                                            ? x[((n * p.c() + ch) * p.h() + iy) * p.w() + ix] : 0f;
                                    acc = Math.fma(w[((m * p.c() + ch) * p.kH() + ky) * p.kW() + kx], v, acc);
                                }
                            }
                        }
                        float v = acc + b;
                        conv[((n * p.outC() + m) * oh + oy) * ow + ox] = v < epi.clampLow() ? epi.clampLow()
                                : v > epi.clampHigh() ? epi.clampHigh() : v;
                    }
                }
            }
        }
        return StridedConvMaxPoolTest.windowMaxima(conv, p.n() * p.outC(), oh, ow, pool);
    }
}
