package io.ghostflow.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The banded stem (strided convolution, then max pool) against the convolution run whole and a
 * scalar window maximum over its output: bit for bit, on random geometry (convolution kernels,
 * strides and padding; pool windows 1-3 rows by 2-3 columns, row strides 1-3, one padding row
 * and column, ceil mode; batches; one and two threads, so that a thread boundary splits the bands).
 */
class StridedConvMaxPoolTest {
    private static final int NR = Gemm.tileColumns();
    /** The pool kernel takes 16 lanes or more (see MaxPoolStride2#suits); narrower vectors keep the separate nodes. */
    private static final boolean WIDE = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() >= 16;

    private static StridedConvMaxPool.Pool pool(Conv2d.Params p, int kh, int kw, int sh, int pad, boolean ceil) {
        int oh = outSize(p.outH(), kh, sh, pad, ceil);
        int ow = outSize(p.outW(), kw, 2, pad, ceil);
        return new StridedConvMaxPool.Pool(kh, kw, sh, pad, pad, oh, ow);
    }

    /** ONNX MaxPool's output size with pads on both sides; in ceil mode a last window starting in the end padding is dropped. */
    private static int outSize(int in, int k, int s, int pad, boolean ceil) {
        int span = in + 2 * pad - k;
        int out = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (out - 1) * s >= in + pad) {
            out--;
        }
        return out;
    }

    @Test
    void stemsTakeTheBandedKernel() {
        Epilogue relu = Epilogue.of(Activation.RELU).withRowBias(new float[64], 0);
        Conv2d squeezenet = Conv2d.prepare(new float[64 * 27], new Conv2d.Params(1, 3, 224, 224, 64, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, 1));
        Conv2d resnet = Conv2d.prepare(new float[64 * 147], new Conv2d.Params(1, 3, 224, 224, 64, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1));
        // 64 channels fill PixelRowsConvMaxPool's tiles (32 registers); otherwise MaxPoolStride2 needs 16 lanes
        boolean pixelRows = GemmPairKernel.ENABLED && GemmBlocking.NR == 2 * GemmBlocking.L && 64 % (4 * GemmBlocking.L) == 0;
        assertThat(StridedConvMaxPool.suits(squeezenet, relu, pool(squeezenet.params(), 3, 3, 2, 0, true)))
                .isEqualTo(WIDE || pixelRows);
        assertThat(StridedConvMaxPool.suits(resnet, relu, pool(resnet.params(), 3, 3, 2, 1, false))).isEqualTo(WIDE || pixelRows);
        // a 4-wide window (which only PixelRowsConvMaxPool pools), a sigmoid the banded rows do not apply, a
        // stride-1 convolution (not StridedConv's)
        assertThat(StridedConvMaxPool.suits(squeezenet, relu, new StridedConvMaxPool.Pool(3, 4, 2, 0, 0, 55, 54)))
                .isEqualTo(pixelRows);
        assertThat(StridedConvMaxPool.suits(squeezenet, Epilogue.of(Activation.SIGMOID), pool(squeezenet.params(), 3, 3, 2, 0, true)))
                .isFalse();
        Conv2d unit = Conv2d.prepare(new float[64 * 27], new Conv2d.Params(1, 3, 224, 224, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1));
        assertThat(StridedConvMaxPool.suits(unit, relu, pool(unit.params(), 3, 3, 2, 0, false))).isFalse();
    }

    @Test
    void randomStemsMatchTheConvolutionThenTheWindowMaxima() {
        Random r = new Random(43);
        int taken = 0;
        for (int iter = 0; iter < 300 && taken < 120; iter++) {
            int c = 1 + r.nextInt(4);
            int m = 4 * (1 + r.nextInt(5));
            int k = 1 + r.nextInt(5);
            int s = 2 + r.nextInt(2);
            int pad = r.nextInt(Math.min(k, 3) + 1) % k;
            int h = k + r.nextInt(40);
            int w = NR * s + r.nextInt(40);
            Conv2d.Params p = new Conv2d.Params(1 + r.nextInt(2), c, h, w, m, k, k, 2, s, pad, pad, pad, pad, 1, 1, 1);
            int pkh = 1 + r.nextInt(3);
            StridedConvMaxPool.Pool pool = pool(p, pkh, 2 + r.nextInt(2), 1 + r.nextInt(pkh), r.nextInt(2), r.nextBoolean());
            float[] weights = Tolerances.random(r, m * c * k * k);
            Conv2d conv = Conv2d.prepare(weights, p);
            Epilogue epi = iter % 3 == 0 ? Epilogue.NONE
                    : Epilogue.of(iter % 3 == 1 ? Activation.RELU : Activation.relu6()).withRowBias(Tolerances.random(r, m), 0);
            if (pool.oh() <= 0 || pool.ow() <= 0 || !StridedConvMaxPool.suits(conv, epi, pool)) {
                continue;
            }
            taken++;
            float[] x = Tolerances.random(r, p.n() * c * h * w);
            float[] got = new float[p.n() * m * pool.oh() * pool.ow()];
            assertThat(StridedConvMaxPool.run(conv, epi, pool, x, 0, got, 0, 1 + iter % 2)).isTrue();
            assertThat(got).as("%s, pool %s", p, pool).isEqualTo(expected(conv, epi, pool, x));
        }
        assertThat(taken).as("geometries the banded kernel took").isGreaterThanOrEqualTo(WIDE ? 100 : 0);
    }

    @Test
    void nonFiniteConvolutionOutputsAreLeftToTheCaller() {
        Conv2d.Params p = new Conv2d.Params(1, 3, 80, 80, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1);
        Random r = new Random(44);
        Conv2d conv = Conv2d.prepare(Tolerances.random(r, 8 * 27), p);
        StridedConvMaxPool.Pool pool = pool(p, 3, 3, 2, 1, false);
        if (!StridedConvMaxPool.suits(conv, Epilogue.NONE, pool)) {
            return;
        }
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            float[] x = Tolerances.random(r, 3 * 80 * 80);
            x[2 * 80 * 80 + 70 * 80 + 33] = bad;
            float[] y = new float[8 * pool.oh() * pool.ow()];
            assertThat(StridedConvMaxPool.run(conv, Epilogue.NONE, pool, x, 0, y, 0, 2)).isFalse();
        }
    }

    /** The convolution whole, then each window's maximum over its taps inside the plane (first of equals kept). */
    private static float[] expected(Conv2d conv, Epilogue epi, StridedConvMaxPool.Pool pool, float[] x) {
        Conv2d.Params p = conv.params();
        float[] mid = new float[p.n() * p.outC() * p.outH() * p.outW()];
        conv.run(x, mid, epi, 1);
        return windowMaxima(mid, p.n() * p.outC(), p.outH(), p.outW(), pool);
    }

    /** Each window's maximum over its taps inside the planes (ih x iw, column stride 2), the first of equals kept. */
    static float[] windowMaxima(float[] planes, int count, int ih, int iw, StridedConvMaxPool.Pool pool) {
        float[] y = new float[count * pool.oh() * pool.ow()];
        for (int pl = 0; pl < count; pl++) {
            for (int oy = 0; oy < pool.oh(); oy++) {
                for (int ox = 0; ox < pool.ow(); ox++) {
                    float best = Float.NEGATIVE_INFINITY;
                    for (int ky = 0; ky < pool.kh(); ky++) {
                        for (int kx = 0; kx < pool.kw(); kx++) {
                            int iy = oy * pool.sh() - pool.padTop() + ky;
                            int ix = ox * 2 - pool.padLeft() + kx;
                            if (iy >= 0 && iy < ih && ix >= 0 && ix < iw && planes[(pl * ih + iy) * iw + ix] > best) {
                                best = planes[(pl * ih + iy) * iw + ix];
                            }
                        }
                    }
                    y[(pl * pool.oh() + oy) * pool.ow() + ox] = best;
                }
            }
        }
        return y;
    }
}
