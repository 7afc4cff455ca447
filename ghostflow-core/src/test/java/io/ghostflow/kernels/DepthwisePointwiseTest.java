package io.ghostflow.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused depthwise -> pointwise pair against the two convolutions run one after the other:
 * bit-identical for every band height (one row, ragged last bands, whole planes), strides 1 and
 * 2, pads, batches, residual and bias epilogues, one and two threads.
 */
class DepthwisePointwiseTest {
    @Test
    void pairsAreFusedOnlyWhenThePointwiseReadsExactlyTheDepthwiseOutput() {
        Conv2d dw = Conv2d.prepare(new float[16 * 9], depthwise(1, 16, 20, 20, 2, 2, 1));
        Epilogue relu6 = Epilogue.of(Activation.relu6());
        assertThat(DepthwisePointwise.pair(dw, relu6, Conv2d.prepare(new float[8 * 16], pointwise(1, 16, 10, 10, 8)))).isTrue();
        assertThat(DepthwisePointwise.pair(dw, relu6, Conv2d.prepare(new float[8 * 16], pointwise(1, 16, 10, 9, 8)))).isFalse();
        assertThat(DepthwisePointwise.pair(dw, Epilogue.of(Activation.SIGMOID),
                Conv2d.prepare(new float[8 * 16], pointwise(1, 16, 10, 10, 8)))).isFalse();
        Conv2d.Params strided = new Conv2d.Params(1, 16, 10, 10, 8, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1);
        assertThat(DepthwisePointwise.pair(dw, relu6, Conv2d.prepare(new float[8 * 16], strided))).isFalse();
        Conv2d dw5 = Conv2d.prepare(new float[16 * 25],
                new Conv2d.Params(1, 16, 20, 20, 16, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1, 16));
        assertThat(DepthwisePointwise.pair(dw5, relu6, Conv2d.prepare(new float[8 * 16], pointwise(1, 16, 10, 10, 8)))).isFalse();
    }

    @Test
    void bandsSplitEvenlyOverTheThreads() {
        // mobilenet_v2_bn's block 1: 7 bands of 18 of its 112 rows on one thread, 8 of 14 on two
        assertThat(DepthwisePointwise.evenBand(112, 18, 1, 1)).isEqualTo(18);
        org.junit.jupiter.api.Assumptions.assumeTrue(io.ghostflow.core.Parallel.availableThreads() >= 2);
        assertThat(DepthwisePointwise.evenBand(112, 18, 1, 2)).isEqualTo(14);
        // block 4: 3 bands of 11 of 28 rows, then 4 of 7; bands that already split evenly stay
        assertThat(DepthwisePointwise.evenBand(28, 11, 1, 2)).isEqualTo(7);
        assertThat(DepthwisePointwise.evenBand(56, 7, 1, 2)).isEqualTo(7);
        // an odd number of bands per image is fine when the batch makes the total even
        assertThat(DepthwisePointwise.evenBand(28, 11, 2, 2)).isEqualTo(11);
    }

    @Test
    void onlyDepthwiseOutputsBeyondL2AreFused() {
        Epilogue relu6 = Epilogue.of(Activation.relu6());
        // mobilenet_v2's block 1 (32 x 112 x 112) and block 3 (144 x 56 x 56) are; block 4 (144 x 28 x 28) is not
        Conv2d block1 = Conv2d.prepare(new float[32 * 9], depthwise(1, 32, 112, 112, 1, 1, 1));
        assertThat(DepthwisePointwise.suits(block1, relu6, Conv2d.prepare(new float[16 * 32], pointwise(1, 32, 112, 112, 16))))
                .isTrue();
        Conv2d block3 = Conv2d.prepare(new float[144 * 9], depthwise(1, 144, 56, 56, 1, 1, 1));
        assertThat(DepthwisePointwise.suits(block3, relu6, Conv2d.prepare(new float[24 * 144], pointwise(1, 144, 56, 56, 24))))
                .isTrue();
        Conv2d block4 = Conv2d.prepare(new float[144 * 9], depthwise(1, 144, 56, 56, 2, 2, 1));
        assertThat(DepthwisePointwise.suits(block4, relu6, Conv2d.prepare(new float[32 * 144], pointwise(1, 144, 28, 28, 32))))
                .isFalse();
        assertThat(DepthwisePointwise.pair(block4, relu6, Conv2d.prepare(new float[32 * 144], pointwise(1, 144, 28, 28, 32))))
                .isTrue();
    }

    @Test
    void randomPairsEqualTheSeparateConvolutionsBitForBit() {
        Random r = new Random(51);
        for (int iter = 0; iter < 60; iter++) {
            int n = 1 + r.nextInt(2);
            int c = 1 + r.nextInt(40);
            int m = 1 + r.nextInt(40);
            int h = 3 + r.nextInt(30);
            int w = 3 + r.nextInt(30);
            int sh = 1 + r.nextInt(2);
            int sw = 1 + r.nextInt(2);
            int pad = r.nextInt(2);
            Conv2d.Params d = new Conv2d.Params(n, c, h, w, c, 3, 3, sh, sw, pad, pad, pad, pad, 1, 1, c);
            if (d.outH() <= 0 || d.outW() <= 0) {
                continue;
            }
            Conv2d.Params q = pointwise(n, c, d.outH(), d.outW(), m);
            int ohw = d.outH() * d.outW();
            Conv2d dw = Conv2d.prepare(Tolerances.random(r, c * 9), d);
            Conv2d pw = Conv2d.prepare(Tolerances.random(r, m * c), q);
            Epilogue dwEpi = Epilogue.of(iter % 2 == 0 ? Activation.relu6() : Activation.RELU).withRowBias(Tolerances.random(r, c), 0);
            Epilogue pwEpi = Epilogue.NONE.withRowBias(Tolerances.random(r, m), 0);
            if (iter % 3 == 0) {
                pwEpi = pwEpi.withResidual(Tolerances.random(r, n * m * ohw), 0, ohw);
            }
            assertThat(DepthwisePointwise.pair(dw, dwEpi, pw)).isTrue();
            float[] x = Tolerances.random(r, n * c * h * w);
            float[] mid = new float[n * c * ohw];
            float[] want = new float[n * m * ohw];
            dw.run(x, mid, dwEpi, 1);
            pw.run(mid, want, pwEpi, 1);
            int bandFloats = iter % 4 == 0 ? 1 : c * d.outW() * (1 + r.nextInt(d.outH()));
            float[] got = new float[want.length];
            DepthwisePointwise.run(dw, dwEpi, pw, pwEpi, x, got, 1 + iter % 2, bandFloats);
            assertThat(got).as("%s then %s, bands of %d floats", d, q, bandFloats).containsExactly(want);
        }
    }

    /**
     * Stride 2 on planes too large for the small-plane kernels: the bands run the column-phase
     * kernel ({@link DepthwisePhases}), the separate depthwise the row ring's shuffle kernel, which
     * must give the same bits; odd and even widths and left pads, asymmetric pads.
     */
    @Test
    void stride2BandsOnLargePlanesEqualTheRowRingBitForBit() {
        Random r = new Random(77);
        for (int iter = 0; iter < 16; iter++) {
            int c = 1 + r.nextInt(12);
            int m = 1 + r.nextInt(12);
            int h = 64 + r.nextInt(40);
            int w = 64 + r.nextInt(40);
            Conv2d.Params d = new Conv2d.Params(1, c, h, w, c, 3, 3, 2, 2, r.nextInt(2), r.nextInt(3), r.nextInt(2),
                    r.nextInt(2), 1, 1, c);
            assertThat(DepthwiseConv.SmallPlanes.suits(d)).isFalse();
            assertThat(DepthwisePhases.suits(d)).isTrue();
            Conv2d.Params q = pointwise(1, c, d.outH(), d.outW(), m);
            int ohw = d.outH() * d.outW();
            Conv2d dw = Conv2d.prepare(Tolerances.random(r, c * 9), d);
            Conv2d pw = Conv2d.prepare(Tolerances.random(r, m * c), q);
            Epilogue dwEpi = Epilogue.of(Activation.relu6()).withRowBias(Tolerances.random(r, c), 0);
            Epilogue pwEpi = Epilogue.NONE.withRowBias(Tolerances.random(r, m), 0);
            float[] x = Tolerances.random(r, c * h * w);
            float[] mid = new float[c * ohw];
            float[] want = new float[m * ohw];
            dw.run(x, mid, dwEpi, 1);
            pw.run(mid, want, pwEpi, 1);
            int bandFloats = c * d.outW() * (1 + r.nextInt(d.outH()));
            float[] got = new float[want.length];
            DepthwisePointwise.run(dw, dwEpi, pw, pwEpi, x, got, 1 + iter % 2, bandFloats);
            assertThat(got).as("%s, bands of %d floats", d, bandFloats).containsExactly(want);
        }
    }

    private static Conv2d.Params depthwise(int n, int c, int h, int w, int sh, int sw, int pad) {
        return new Conv2d.Params(n, c, h, w, c, 3, 3, sh, sw, pad, pad, pad, pad, 1, 1, c);
    }

    private static Conv2d.Params pointwise(int n, int c, int h, int w, int m) {
        return new Conv2d.Params(n, c, h, w, m, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1);
    }
}
