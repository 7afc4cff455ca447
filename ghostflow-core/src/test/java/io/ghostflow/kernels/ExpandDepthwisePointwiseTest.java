package io.ghostflow.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The banded inverted-residual block (expansion, depthwise, projection) against the three
 * convolutions run one after the other: bit-identical for every band height (one row, ragged last
 * bands, whole planes), strides 1 and 2, pads, batches, bias, clamp and residual epilogues, one
 * and two threads.
 */
class ExpandDepthwisePointwiseTest {
    private static Conv2d.Params pointwise(int n, int c, int h, int w, int m) {
        return new Conv2d.Params(n, c, h, w, m, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1);
    }

    private static Conv2d.Params depthwise(int n, int c, int h, int w, int sh, int sw, int pad) {
        return new Conv2d.Params(n, c, h, w, c, 3, 3, sh, sw, pad, pad, pad, pad, 1, 1, c);
    }

    @Test
    void blocksWhoseExpansionOutgrowsL2AreFused() {
        Epilogue relu6 = Epilogue.of(Activation.relu6());
        // mobilenet_v2's block 2 (16 -> 96 x 112 x 112, stride 2) and block 3 (24 -> 144 x 56 x 56) are; block 5 (32 -> 192 x 28 x 28) is not
        assertThat(Block.block(16, 96, 112, 2, 24).suits(relu6)).isTrue();
        assertThat(Block.block(24, 144, 56, 1, 24).suits(relu6)).isTrue();
        Block block5 = Block.block(32, 192, 28, 1, 32);
        assertThat(block5.suits(relu6)).isFalse();
        assertThat(ExpandDepthwisePointwise.block(block5.ex, relu6, block5.dw, relu6, block5.pw)).isTrue();
        // mobilenet_v2's stem (3 -> 32 x 112 x 112 at stride 2) feeding block 1's pair
        Conv2d stem = Conv2d.prepare(new float[32 * 27], new Conv2d.Params(1, 3, 224, 224, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1));
        Block b1 = Block.block(32, 32, 112, 1, 16);
        assertThat(ExpandDepthwisePointwise.suits(stem, relu6, b1.dw, relu6, b1.pw)).isTrue();
        // an expansion with a sigmoid, or one that is not pointwise, or not over exactly the depthwise input
        Block b = Block.block(16, 96, 112, 2, 24);
        assertThat(ExpandDepthwisePointwise.suits(b.ex, Epilogue.of(Activation.SIGMOID), b.dw, relu6, b.pw)).isFalse();
        Conv2d strided = Conv2d.prepare(new float[96 * 16], new Conv2d.Params(1, 16, 224, 224, 96, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1));
        assertThat(ExpandDepthwisePointwise.block(strided, relu6, b.dw, relu6, b.pw)).isFalse();
        Conv2d other = Conv2d.prepare(new float[96 * 16], pointwise(1, 16, 112, 110, 96));
        assertThat(ExpandDepthwisePointwise.block(other, relu6, b.dw, relu6, b.pw)).isFalse();
    }

    @Test
    void randomBlocksEqualTheSeparateConvolutionsBitForBit() {
        Random r = new Random(52);
        for (int iter = 0; iter < 60; iter++) {
            int n = 1 + r.nextInt(2);
            int k = 1 + r.nextInt(24);
            int c = 1 + r.nextInt(40);
            int m = 1 + r.nextInt(30);
            int h = 3 + r.nextInt(30);
            int w = 3 + r.nextInt(40);
            int sh = 1 + r.nextInt(2);
            int sw = 1 + r.nextInt(2);
            int pad = r.nextInt(2);
            Conv2d.Params d = depthwise(n, c, h, w, sh, sw, pad);
            if (d.outH() <= 0 || d.outW() <= 0) {
                continue;
            }
            int ohw = d.outH() * d.outW();
            Conv2d ex = Conv2d.prepare(Tolerances.random(r, c * k), pointwise(n, k, h, w, c));
            Conv2d dw = Conv2d.prepare(Tolerances.random(r, c * 9), d);
            Conv2d pw = Conv2d.prepare(Tolerances.random(r, m * c), pointwise(n, c, d.outH(), d.outW(), m));
            Epilogue exEpi = Epilogue.of(iter % 2 == 0 ? Activation.relu6() : Activation.RELU).withRowBias(Tolerances.random(r, c), 0);
            if (iter % 5 == 0) {
                exEpi = Epilogue.NONE;
            }
            Epilogue dwEpi = Epilogue.of(Activation.relu6()).withRowBias(Tolerances.random(r, c), 0);
            Epilogue pwEpi = Epilogue.NONE.withRowBias(Tolerances.random(r, m), 0);
            if (iter % 3 == 0) {
                pwEpi = pwEpi.withResidual(Tolerances.random(r, n * m * ohw), 0, ohw);
            }
            assertThat(ExpandDepthwisePointwise.block(ex, exEpi, dw, dwEpi, pw)).isTrue();
            float[] x = Tolerances.random(r, n * k * h * w);
            float[] expanded = new float[n * c * h * w];
            float[] mid = new float[n * c * ohw];
            float[] want = new float[n * m * ohw];
            ex.run(x, expanded, exEpi, 1);
            dw.run(expanded, mid, dwEpi, 1);
            pw.run(mid, want, pwEpi, 1);
            // one row per band, a few rows, whole planes
            int inputFloats = iter % 4 == 0 ? 1 : c * w * (1 + r.nextInt(2 * h));
            int outputFloats = iter % 7 == 0 ? 1 : c * d.outW() * (1 + r.nextInt(d.outH()));
            float[] got = new float[want.length];
            ExpandDepthwisePointwise.run(ex, exEpi, dw, dwEpi, pw, pwEpi, x, got, 1 + iter % 2, inputFloats, outputFloats);
            assertThat(got).as("%s, bands of %d / %d floats", d, inputFloats, outputFloats).containsExactly(want);
        }
    }

    /** A strided, shallow first convolution (a stem, as StridedConv runs it) in place of the expansion. */
    @Test
    void randomStemsThenPairsEqualTheSeparateConvolutionsBitForBit() {
        Random r = new Random(54);
        int taken = 0;
        for (int iter = 0; iter < 60; iter++) {
            int n = 1 + r.nextInt(2);
            int k = 1 + r.nextInt(4);
            int c = 4 * (1 + r.nextInt(8));
            int m = 1 + r.nextInt(20);
            int kernel = 1 + 2 * r.nextInt(3);
            int side = 2 * Gemm.tileColumns() + r.nextInt(40);
            Conv2d.Params e = new Conv2d.Params(n, k, side, side + r.nextInt(9), c, kernel, kernel, 1 + r.nextInt(2), 2,
                    kernel / 2, kernel / 2, kernel / 2, kernel / 2, 1, 1, 1);
            int sh = 1 + r.nextInt(2);
            Conv2d.Params d = depthwise(n, c, e.outH(), e.outW(), sh, 1 + r.nextInt(2), 1);
            int ohw = d.outH() * d.outW();
            Conv2d ex = Conv2d.prepare(Tolerances.random(r, c * k * kernel * kernel), e);
            Conv2d dw = Conv2d.prepare(Tolerances.random(r, c * 9), d);
            Conv2d pw = Conv2d.prepare(Tolerances.random(r, m * c), pointwise(n, c, d.outH(), d.outW(), m));
            Epilogue exEpi = Epilogue.of(Activation.relu6()).withRowBias(Tolerances.random(r, c), 0);
            Epilogue dwEpi = Epilogue.of(Activation.RELU).withRowBias(Tolerances.random(r, c), 0);
            Epilogue pwEpi = Epilogue.NONE.withRowBias(Tolerances.random(r, m), 0);
            if (!ExpandDepthwisePointwise.block(ex, exEpi, dw, dwEpi, pw)) {
                continue;
            }
            taken++;
            float[] x = Tolerances.random(r, n * k * e.h() * e.w());
            float[] stem = new float[n * c * e.outH() * e.outW()];
            float[] mid = new float[n * c * ohw];
            float[] want = new float[n * m * ohw];
            ex.run(x, stem, exEpi, 1);
            dw.run(stem, mid, dwEpi, 1);
            pw.run(mid, want, pwEpi, 1);
            int inputFloats = iter % 4 == 0 ? 1 : c * e.outW() * (1 + r.nextInt(2 * e.outH()));
            float[] got = new float[want.length];
            ExpandDepthwisePointwise.run(ex, exEpi, dw, dwEpi, pw, pwEpi, x, got, 1 + iter % 2, inputFloats, 1 << 20);
            assertThat(got).as("%s then %s, bands of %d floats", e, d, inputFloats).containsExactly(want);
        }
        assertThat(taken).as("stems the kernel took").isGreaterThan(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() >= 8 ? 20 : 0);
    }

    @Test
    void mobilenetBlockTwoAtItsDefaultBandsEqualsTheSeparateConvolutions() {
        Random r = new Random(53);
        Block b = Block.random(r, 16, 96, 112, 2, 24);
        Epilogue relu6 = Epilogue.of(Activation.relu6()).withRowBias(Tolerances.random(r, 96), 0);
        Epilogue bias = Epilogue.NONE.withRowBias(Tolerances.random(r, 24), 0);
        assertThat(b.suits(relu6)).isTrue();
        float[] x = Tolerances.random(r, 16 * 112 * 112);
        float[] expanded = new float[96 * 112 * 112];
        float[] mid = new float[96 * 56 * 56];
        float[] want = new float[24 * 56 * 56];
        b.ex.run(x, expanded, relu6, 2);
        b.dw.run(expanded, mid, relu6, 2);
        b.pw.run(mid, want, bias, 2);
        float[] got = new float[want.length];
        ExpandDepthwisePointwise.run(b.ex, relu6, b.dw, relu6, b.pw, bias, x, got, 2);
        assertThat(got).containsExactly(want);
    }

    /** An inverted-residual block: k -> c channels on an h x h plane, 3x3 depthwise at the stride (pad 1), c -> m. */
    private record Block(Conv2d ex, Conv2d dw, Conv2d pw) {
        static Block block(int k, int c, int h, int stride, int m) {
            return random(null, k, c, h, stride, m);
        }

        static Block random(Random r, int k, int c, int h, int stride, int m) {
            Conv2d.Params d = depthwise(1, c, h, h, stride, stride, 1);
            return new Block(Conv2d.prepare(weights(r, c * k), pointwise(1, k, h, h, c)),
                    Conv2d.prepare(weights(r, c * 9), d), Conv2d.prepare(weights(r, m * c), pointwise(1, c, d.outH(), d.outW(), m)));
        }

        private static float[] weights(Random r, int n) {
            return r == null ? new float[n] : Tolerances.random(r, n);
        }

        boolean suits(Epilogue epi) {
            return ExpandDepthwisePointwise.suits(ex, epi, dw, epi, pw);
        }
    }
}
