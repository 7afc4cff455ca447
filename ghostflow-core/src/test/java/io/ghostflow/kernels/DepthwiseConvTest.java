package io.ghostflow.kernels;

import static org.assertj.core.api.Assertions.fail;

import io.ghostflow.kernels.reference.ReferenceConv2d;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Depthwise convolution (both the 3x3 row-ring path and the generic padded-plane path) against
 * the direct reference convolution: |got - ref| <= 1e-5 * (sum of |terms| + |bias| + |residual|) + 1e-6.
 */
class DepthwiseConvTest {
    private static void check(Conv2d.Params p, Activation act, boolean bias, boolean residual, Random r, int threads) {
        float[] w = Tolerances.random(r, p.c() * p.kH() * p.kW());
        float[] x = Tolerances.random(r, p.n() * p.c() * p.h() * p.w());
        int ohw = p.outH() * p.outW();
        int outSize = p.n() * p.c() * ohw;
        float[] b = Tolerances.random(r, p.c());
        float[] res = Tolerances.random(r, outSize);
        Epilogue epi = Epilogue.of(act);
        if (bias) {
            epi = epi.withRowBias(b, 0);
        }
        if (residual) {
            epi = epi.withResidual(res, 0, ohw);
        }
        // output at an offset inside a larger array, guarded on both sides
        float[] got = new float[outSize + 37];
        java.util.Arrays.fill(got, 12345f);
        float[] ref = new float[outSize];
        Conv2d.prepare(w, p).run(x, 0, got, 17, epi, threads);
        double[] abs = new double[outSize];
        ReferenceConv2d.run(p, w, x, ref, epi, abs);
        for (int i = 0; i < outSize; i++) {
            double tol = 1e-5 * (abs[i] + 2.0) + 1e-6;
            if (!Tolerances.close(got[17 + i], ref[i], tol)) {
                fail(p + " " + epi + ": element " + i + " got " + got[17 + i] + " expected " + ref[i]);
            }
        }
        for (int i = 0; i < 17; i++) {
            if (got[i] != 12345f || got[17 + outSize + i] != 12345f) {
                fail(p + ": wrote outside the output at guard " + i);
            }
        }
    }

    private static Conv2d.Params dw(int n, int c, int h, int w, int k, int s, int pad, int dil) {
        return new Conv2d.Params(n, c, h, w, c, k, k, s, s, pad, pad, pad, pad, dil, dil, c);
    }

    @Test
    void mobilenetShapes() {
        Random r = new Random(1);
        Activation relu6 = Activation.relu6();
        check(dw(1, 3, 112, 112, 3, 1, 1, 1), relu6, true, false, r, 1);
        check(dw(1, 4, 112, 112, 3, 2, 1, 1), relu6, true, false, r, 2);
        check(dw(1, 5, 56, 56, 3, 1, 1, 1), relu6, true, false, r, 1);
        check(dw(1, 5, 28, 28, 3, 2, 1, 1), relu6, true, false, r, 1);
        check(dw(1, 6, 14, 14, 3, 1, 1, 1), relu6, true, false, r, 2);
        check(dw(1, 6, 14, 14, 3, 2, 1, 1), relu6, true, false, r, 1);
        check(dw(1, 7, 7, 7, 3, 1, 1, 1), relu6, true, false, r, 1);
    }

    /**
     * Many small planes (the batched small-plane path): several batches of padded planes per
     * thread, spills between planes of one range, ragged widths, residual and non-fused activations.
     */
    @Test
    void manySmallPlanes() {
        Random r = new Random(3);
        for (int iter = 0; iter < 40; iter++) {
            int n = 1 + r.nextInt(2);
            int c = 20 + r.nextInt(60);
            int h = 3 + r.nextInt(26);
            int w = 1 + r.nextInt(28);
            int sH = 1 + r.nextInt(2);
            int sW = 1 + r.nextInt(2);
            int pt = r.nextInt(2);
            int pl = r.nextInt(2);
            int pb = r.nextInt(2);
            int pr = r.nextInt(2);
            if (w + pl + pr < 3) {
                continue;
            }
            Conv2d.Params p = new Conv2d.Params(n, c, h, w, c, 3, 3, sH, sW, pt, pl, pb, pr, 1, 1, c);
            Activation act = switch (iter % 4) {
                case 0 -> Activation.NONE;
                case 1 -> Activation.RELU;
                case 2 -> Activation.HARD_SWISH;
                default -> Activation.relu6();
            };
            check(p, act, iter % 2 == 0, iter % 3 == 1, r, 1 + (iter & 1));
        }
    }

    /**
     * Stride 2 on small planes with output rows of two vectors or more (the column-phase kernel,
     * {@link DepthwisePhases}): odd and even widths and left pads, asymmetric pads, several planes
     * per batch, fused and unfused epilogues, against the reference.
     */
    @Test
    void stride2SmallPlanesInColumnPhases() {
        Random r = new Random(5);
        for (int iter = 0; iter < 30; iter++) {
            int w = 31 + r.nextInt(30);
            int h = 3 + r.nextInt(58);
            int c = 1 + r.nextInt(24);
            Conv2d.Params p = new Conv2d.Params(1 + r.nextInt(2), c, h, w, c, 3, 3, 2, 2, r.nextInt(2), r.nextInt(3),
                    r.nextInt(2), r.nextInt(2), 1, 1, c);
            if (!DepthwiseConv.SmallPlanes.suits(p) || !DepthwisePhases.suits(p)) {
                continue;
            }
            Activation act = iter % 3 == 0 ? Activation.HARD_SWISH : Activation.relu6();
            check(p, act, iter % 2 == 0, iter % 4 == 1, r, 1 + (iter & 1));
        }
    }

    /** The column-phase kernel gives the shuffle kernel's bits on the same padded plane (same FMA chains). */
    @Test
    void columnPhasesEqualTheShuffleKernelBitForBit() {
        Random r = new Random(9);
        for (int iter = 0; iter < 40; iter++) {
            int oh = 1 + r.nextInt(30);
            int ow = 16 + r.nextInt(30);
            Conv2d.Params p = new Conv2d.Params(1, 1, 2 * oh + 1, 2 * ow + 1, 1, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, 1);
            int pw = DepthwiseConv.SmallPlanes.pw(p);
            int ph = DepthwiseConv.SmallPlanes.ph(p);
            int half = DepthwisePhases.half(p);
            float[] pad = new float[DepthwiseConv.SmallPlanes.stride(p)];
            float[] phases = new float[ph * 2 * half];
            float[] image = Tolerances.random(r, p.h() * p.w());
            for (int row = 0; row < p.h(); row++) {
                System.arraycopy(image, row * p.w(), pad, row * pw, p.w());
                DepthwisePhases.copyRow(image, row * p.w(), p.w(), 0, phases, row * 2 * half, half);
            }
            float[] w = Tolerances.random(r, 9);
            float bias = r.nextFloat() - 0.5f;
            float[] want = new float[oh * ow];
            float[] got = new float[oh * ow];
            DepthwiseConv.small3x3s2(pad, 0, pw, 2, w, 0, bias, -0.25f, 0.5f, want, 0, oh, ow, want.length);
            DepthwisePhases.rows(phases, 0, half, w, 0, bias, -0.25f, 0.5f, got, 0, oh, ow, got.length);
            org.assertj.core.api.Assertions.assertThat(got).as("%d x %d", oh, ow).containsExactly(want);
        }
    }

    /** 3x3 dilation 1 with strides 1..3 along H, 1..2 along W, ragged widths, asymmetric pads. */
    @Test
    void random3x3() {
        Random r = new Random(7);
        for (int iter = 0; iter < 120; iter++) {
            int n = 1 + r.nextInt(2);
            int c = 1 + r.nextInt(4);
            int h = 1 + r.nextInt(20);
            int w = 1 + r.nextInt(45);
            int sH = 1 + r.nextInt(3);
            int sW = 1 + r.nextInt(2);
            int pt = r.nextInt(3);
            int pl = r.nextInt(3);
            int pb = r.nextInt(3);
            int pr = r.nextInt(3);
            if (h + pt + pb < 3 || w + pl + pr < 3) {
                continue;
            }
            Conv2d.Params p = new Conv2d.Params(n, c, h, w, c, 3, 3, sH, sW, pt, pl, pb, pr, 1, 1, c);
            Activation act = switch (iter % 3) {
                case 0 -> Activation.NONE;
                case 1 -> Activation.RELU;
                default -> Activation.relu6();
            };
            check(p, act, iter % 2 == 0, iter % 5 == 1, r, 1 + (iter & 1));
        }
    }

    /** The generic path: 5x5, dilation 2, stride 3, 1xk and kx1 kernels. */
    @Test
    void otherKernels() {
        Random r = new Random(11);
        for (int iter = 0; iter < 60; iter++) {
            int k = new int[] {1, 2, 3, 5, 7}[r.nextInt(5)];
            int kw = iter % 4 == 0 ? 1 : k;
            int dil = 1 + r.nextInt(2);
            int s = 1 + r.nextInt(3);
            int h = (k - 1) * dil + 1 + r.nextInt(15);
            int w = (kw - 1) * dil + 1 + r.nextInt(30);
            int c = 1 + r.nextInt(4);
            Conv2d.Params p = new Conv2d.Params(1 + r.nextInt(2), c, h, w, c, k, kw, s, s, r.nextInt(3), r.nextInt(3),
                    r.nextInt(3), r.nextInt(3), dil, 1 + r.nextInt(2), c);
            check(p, iter % 2 == 0 ? Activation.RELU : Activation.NONE, iter % 3 != 0, iter % 4 == 2, r, 1);
        }
    }

    @Test
    void fiveByFiveDilatedAndOtherActivations() {
        Random r = new Random(13);
        check(dw(2, 5, 29, 31, 5, 2, 2, 1), Activation.RELU, true, false, r, 2);
        check(dw(2, 5, 29, 31, 5, 1, 2, 1), Activation.relu6(), true, true, r, 1);
        check(dw(2, 3, 23, 19, 3, 1, 2, 2), Activation.RELU, true, false, r, 1);
        check(dw(1, 3, 23, 19, 3, 2, 2, 2), Activation.NONE, false, true, r, 1);
        // an activation the 3x3 path does not apply in registers
        check(dw(1, 3, 17, 21, 3, 1, 1, 1), Activation.HARD_SWISH, true, false, r, 1);
        check(dw(1, 3, 17, 21, 3, 2, 1, 1), Activation.SIGMOID, false, false, r, 1);
    }
}
