package io.ghostflow.kernels;

import io.ghostflow.kernels.reference.ReferenceConv2d;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Conv2d (pointwise, im2col, grouped, depthwise) against the direct 7-loop reference. */
class Conv2dTest {
    private static void check(Conv2d.Params p, Epilogue epiTemplate, Random r, int threads) {
        ConvChecks.againstReference(p, epiTemplate, r, threads, 2.0);
    }

    /** Weights packed once for a small placeholder input, re-bound to real geometries (as a session does). */
    @Test
    void reboundWeightsMatchTheReference() {
        Random r = new Random(5);
        for (int groups : new int[] {1, 2, 6}) {
            int c = 6;
            int outC = 6;
            float[] w = Tolerances.random(r, outC * (c / groups) * 9);
            Conv2d packed = Conv2d.prepare(w, new Conv2d.Params(1, c, 3, 3, outC, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, groups));
            Conv2d.Params real = new Conv2d.Params(2, c, 9, 7, outC, 3, 3, 2, 1, 1, 0, 1, 2, 1, 2, groups);
            float[] x = Tolerances.random(r, 2 * c * 9 * 7);
            int outSize = 2 * outC * real.outH() * real.outW();
            float[] got = new float[outSize];
            float[] ref = new float[outSize];
            packed.rebind(real).run(x, got, null, 1);
            double[] abs = new double[outSize];
            ReferenceConv2d.run(real, w, x, ref, Epilogue.NONE, abs);
            for (int i = 0; i < abs.length; i++) {
                abs[i] += 2.0;
            }
            Tolerances.assertDotClose("rebound " + real, got, ref, abs);
        }
    }

    @Test
    void rebindRejectsOtherWeightShapes() {
        Conv2d packed = Conv2d.prepare(new float[4 * 3 * 9], new Conv2d.Params(1, 3, 3, 3, 4, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> packed.rebind(Conv2d.Params.simple(1, 3, 5, 5, 4, 1, 1)))
                .isInstanceOf(io.ghostflow.core.GhostFlowException.class)
                .hasMessageContaining("kernel=3x3");
    }

    @Test
    void randomGeneralConvolutions() {
        Random r = new Random(21);
        Activation[] acts = {Activation.NONE, Activation.RELU, Activation.relu6(), Activation.SILU, Activation.HARD_SWISH};
        for (int iter = 0; iter < 80; iter++) {
            int groups = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 1;
            int c = groups * (1 + r.nextInt(4));
            int m = groups * (1 + r.nextInt(5));
            int kh = 1 + r.nextInt(4);
            int kw = 1 + r.nextInt(4);
            int dh = 1 + r.nextInt(2);
            int dw = 1 + r.nextInt(2);
            int h = (kh - 1) * dh + 1 + r.nextInt(9);
            int w = (kw - 1) * dw + 1 + r.nextInt(11);
            Conv2d.Params p = new Conv2d.Params(1 + r.nextInt(2), c, h, w, m, kh, kw, 1 + r.nextInt(3), 1 + r.nextInt(3),
                    r.nextInt(3), r.nextInt(3), r.nextInt(3), r.nextInt(3), dh, dw, groups);
            Epilogue epi = Epilogue.of(acts[iter % acts.length]);
            if (r.nextBoolean()) {
                epi = epi.withRowBias(new float[0], 0);
            }
            if (r.nextInt(3) == 0) {
                epi = epi.withResidual(new float[0], 0, 0);
            }
            check(p, epi, r, 1 + (iter & 1));
        }
    }

    @Test
    void pointwiseAndResnetLikeShapes() {
        Random r = new Random(22);
        check(Conv2d.Params.simple(2, 16, 7, 9, 24, 1, 1), Epilogue.of(Activation.RELU).withRowBias(new float[0], 0), r, 2);
        check(new Conv2d.Params(1, 8, 14, 14, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1),
                Epilogue.of(Activation.RELU).withRowBias(new float[0], 0).withResidual(new float[0], 0, 0), r, 2);
        check(new Conv2d.Params(1, 3, 32, 32, 8, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1), Epilogue.NONE, r, 2);
    }

    /** Depth over one K block, width over one N block, threads splitting N: the implicit im2col at block edges. */
    @Test
    void implicitIm2colAcrossCacheBlocksAndThreads() {
        Random r = new Random(24);
        Epilogue biasRelu = Epilogue.of(Activation.RELU).withRowBias(new float[0], 0);
        check(new Conv2d.Params(2, 40, 20, 20, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1), biasRelu, r, 2);
        check(new Conv2d.Params(1, 32, 40, 37, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1), biasRelu, r, 2);
        check(new Conv2d.Params(1, 33, 41, 39, 12, 3, 3, 2, 2, 0, 1, 2, 1, 1, 1, 1), Epilogue.NONE, r, 1);
    }

    /** Large planes in a batch: images split over the threads (2 of 2), or each image's GEMM split (3 of 2). */
    @Test
    void batchesOfLargePlanes() {
        Random r = new Random(25);
        Epilogue full = Epilogue.of(Activation.RELU).withRowBias(new float[0], 0).withResidual(new float[0], 0, 0);
        check(new Conv2d.Params(2, 8, 40, 40, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1), full, r, 2);
        check(new Conv2d.Params(3, 8, 36, 33, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1), full, r, 2);
        check(new Conv2d.Params(4, 6, 34, 34, 10, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1), full, r, 2);
    }

    /**
     * Stride-2 layers with more output channels than pixel tiles (split over M on two threads, the
     * implicit im2col packed once for both stripes): against the reference, and the same bits as
     * one thread.
     */
    @Test
    void stridedLayersSplitOverChannelsMatchOneThread() {
        Random r = new Random(26);
        Epilogue biasRelu = Epilogue.of(Activation.RELU).withRowBias(new float[0], 0);
        Conv2d.Params[] layers = {
            new Conv2d.Params(1, 40, 14, 14, 96, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1),
            new Conv2d.Params(1, 24, 13, 13, 72, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1),
            new Conv2d.Params(2, 16, 9, 9, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1),
        };
        for (Conv2d.Params p : layers) {
            check(p, biasRelu, r, 2);
            float[] w = Tolerances.random(r, p.outC() * p.c() * p.kH() * p.kW());
            float[] x = Tolerances.random(r, p.n() * p.c() * p.h() * p.w());
            Conv2d conv = Conv2d.prepare(w, p);
            float[] one = new float[p.n() * p.outC() * p.outH() * p.outW()];
            float[] two = new float[one.length];
            conv.run(x, one, Epilogue.NONE, 1);
            conv.run(x, two, Epilogue.NONE, 2);
            org.assertj.core.api.Assertions.assertThat(two).as(p.toString()).containsExactly(one);
        }
    }

    @Test
    void depthwise() {
        Random r = new Random(23);
        for (int iter = 0; iter < 40; iter++) {
            int c = 1 + r.nextInt(6);
            int kh = 1 + r.nextInt(5);
            int kw = 1 + r.nextInt(5);
            int dh = 1 + r.nextInt(2);
            int dw = 1 + r.nextInt(2);
            int h = (kh - 1) * dh + 1 + r.nextInt(12);
            int w = (kw - 1) * dw + 1 + r.nextInt(30);
            Conv2d.Params p = new Conv2d.Params(1 + r.nextInt(2), c, h, w, c, kh, kw, 1 + r.nextInt(3), 1 + r.nextInt(3),
                    r.nextInt(3), r.nextInt(3), r.nextInt(3), r.nextInt(3), dh, dw, c);
            Epilogue epi = Epilogue.of(iter % 2 == 0 ? Activation.relu6() : Activation.NONE);
            if (iter % 3 != 0) {
                epi = epi.withRowBias(new float[0], 0);
            }
            if (iter % 4 == 1) {
                epi = epi.withResidual(new float[0], 0, 0);
            }
            check(p, epi, r, 1 + (iter & 1));
        }
    }
}
