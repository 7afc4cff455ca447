package io.ghostflow.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ghostflow.core.GhostFlowException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Winograd F(2x2, 3x3) convolution against the direct reference, and batch-size independence. */
class WinogradConvTest {
    @Test
    void onlyThreeByThreeStrideOneConvolutionsWithEnoughChannelsQualify() {
        assertThat(WinogradConv.suits(new Conv2d.Params(1, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1))).isTrue();
        assertThat(WinogradConv.suits(new Conv2d.Params(1, 16, 55, 55, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1))).isTrue();
        // strided, dilated, grouped, other kernel sizes, or too few channels take the other paths
        assertThat(WinogradConv.suits(new Conv2d.Params(1, 64, 56, 56, 128, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1))).isFalse();
        assertThat(WinogradConv.suits(new Conv2d.Params(1, 64, 56, 56, 64, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1))).isFalse();
        assertThat(WinogradConv.suits(new Conv2d.Params(1, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2))).isFalse();
        assertThat(WinogradConv.suits(new Conv2d.Params(1, 64, 56, 56, 64, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1))).isFalse();
        assertThat(WinogradConv.suits(new Conv2d.Params(1, 3, 224, 224, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1))).isFalse();
    }

    @Test
    void randomConvolutionsMatchTheReference() {
        Random r = new Random(41);
        for (int iter = 0; iter < 60; iter++) {
            int c = 16 + r.nextInt(24);
            int m = 16 + r.nextInt(24);
            // odd and even sizes, planes narrower and wider than a vector of tiles, every padding up to 2
            int h = 1 + r.nextInt(34);
            int w = 1 + r.nextInt(40);
            Conv2d.Params p = new Conv2d.Params(1 + r.nextInt(3), c, h, w, m, 3, 3, 1, 1, r.nextInt(3), r.nextInt(3),
                    r.nextInt(3), r.nextInt(3), 1, 1, 1);
            if (p.outH() <= 0 || p.outW() <= 0) {
                continue;
            }
            Epilogue epi = ConvChecks.randomEpilogue(r, iter);
            ConvChecks.againstReference(p, epi, r, 1 + iter % 2, 0);
        }
    }

    @Test
    void planesOfAtLeast32TilesUseF4x4AndMatchTheReferenceToo() {
        // 27 x 27 outputs: 7 x 7 tiles of 4 x 4 (F(4x4, 3x3)); 14 x 14: 16 tiles, left to F(2x2, 3x3)
        assertThat(Winograd4Conv.wideEnough(new Conv2d.Params(1, 32, 27, 27, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1))).isTrue();
        assertThat(Winograd4Conv.wideEnough(new Conv2d.Params(1, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1))).isFalse();
        Epilogue biasRelu = Epilogue.of(Activation.RELU).withRowBias(new float[0], 0);
        Random r = new Random(45);
        // ragged tile grids (odd sizes, pads 0-2 on each side), 1 and 2 threads
        for (int iter = 0; iter < 12; iter++) {
            int h = 22 + r.nextInt(20);
            int w = 22 + r.nextInt(20);
            Conv2d.Params p = new Conv2d.Params(1 + iter % 2, 16 + r.nextInt(20), h, w, 16 + r.nextInt(20), 3, 3, 1, 1,
                    r.nextInt(3), r.nextInt(3), r.nextInt(3), r.nextInt(3), 1, 1, 1);
            assertThat(Winograd4Conv.wideEnough(p)).isTrue();
            ConvChecks.againstReference(p, biasRelu, r, 1 + iter % 2, 0);
        }
    }

    @Test
    void eachTransformIsMadeOnlyWhenARunNeedsIt() {
        Random r = new Random(46);
        Conv2d.Params wide = new Conv2d.Params(1, 32, 27, 27, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        Conv2d.Params narrow = new Conv2d.Params(1, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        Conv2d conv = Conv2d.prepare(Tolerances.random(r, 64 * 32 * 9), wide);
        assertThat(conv.winogradTransformed()).containsExactly(false, false);
        conv.run(Tolerances.random(r, 32 * 27 * 27), new float[64 * 27 * 27], Epilogue.NONE, 1);
        assertThat(conv.winogradTransformed()).as("after a wide run").containsExactly(false, true);
        conv.rebind(narrow).run(Tolerances.random(r, 32 * 14 * 14), new float[64 * 14 * 14], Epilogue.NONE, 1);
        assertThat(conv.winogradTransformed()).as("after a narrow run too").containsExactly(true, true);
    }

    @Test
    void resnetLayerShapeMatchesTheReference() {
        Epilogue biasReluResidual = Epilogue.of(Activation.RELU).withRowBias(new float[0], 0)
                .withResidual(new float[0], 0, 0);
        ConvChecks.againstReference(new Conv2d.Params(1, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1),
                biasReluResidual, new Random(42), 2, 0);
    }

    @Test
    void eachImageOfABatchEqualsItsSingleRunBitForBit() {
        Random r = new Random(43);
        for (int size : new int[] {7, 14, 27}) {
            Conv2d.Params batch = new Conv2d.Params(3, 24, size, size, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
            Conv2d.Params one = new Conv2d.Params(1, 24, size, size, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
            int plane = size * size;
            float[] wts = Tolerances.random(r, 32 * 24 * 9);
            float[] x = Tolerances.random(r, 3 * 24 * plane);
            float[] res = Tolerances.random(r, 3 * 32 * plane);
            Epilogue epi = Epilogue.of(Activation.RELU).withRowBias(Tolerances.random(r, 32), 0);
            Conv2d conv = Conv2d.prepare(wts, batch);
            float[] all = new float[3 * 32 * plane];
            conv.run(x, 0, all, 0, epi.withResidual(res, 0, plane), 2);
            for (int n = 0; n < 3; n++) {
                float[] single = new float[32 * plane];
                conv.rebind(one).run(x, n * 24 * plane, single, 0, epi.withResidual(res, n * 32 * plane, plane), 1);
                float[] part = Arrays.copyOfRange(all, n * 32 * plane, (n + 1) * 32 * plane);
                assertThat(single).as("size %d image %d", size, n).isEqualTo(part);
            }
        }
    }

    @Test
    void largePlanesRunABatchInPassesAndOverThreadsWithTheSameBits() {
        Random r = new Random(44);
        int c = 48;
        int m = 64;
        int size = 60;
        Conv2d.Params batch = new Conv2d.Params(5, c, size, size, m, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        Conv2d.Params one = new Conv2d.Params(1, c, size, size, m, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        int plane = size * size;
        float[] wts = Tolerances.random(r, m * c * 9);
        float[] x = Tolerances.random(r, 5 * c * plane);
        float[] res = Tolerances.random(r, 5 * m * plane);
        Epilogue epi = Epilogue.of(Activation.RELU).withRowBias(Tolerances.random(r, m), 0);
        Conv2d conv = Conv2d.prepare(wts, batch);
        assertThat(WinogradConv.prepare(wts, 0, m, c).imagesPerPass(batch)).as("images per pass").isLessThan(5);
        for (int threads = 1; threads <= 2; threads++) {
            float[] all = new float[5 * m * plane];
            conv.run(x, 0, all, 0, epi.withResidual(res, 0, plane), threads);
            for (int n = 0; n < 5; n++) {
                float[] single = new float[m * plane];
                conv.rebind(one).run(x, n * c * plane, single, 0, epi.withResidual(res, n * m * plane, plane), 1);
                float[] part = Arrays.copyOfRange(all, n * m * plane, (n + 1) * m * plane);
                // isEqualTo: the same element-by-element bit equality as containsExactly, which took
                // 48 s on these 230,400-element arrays
                assertThat(single).as("threads %d image %d", threads, n).isEqualTo(part);
            }
        }
    }

    @Test
    void transformedWeightsRefuseAStridedGeometry() {
        Conv2d conv = Conv2d.prepare(new float[16 * 16 * 9], Conv2d.Params.simple(1, 16, 8, 8, 16, 3, 3));
        Conv2d.Params strided = new Conv2d.Params(1, 16, 8, 8, 16, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, 1);
        assertThatThrownBy(() -> conv.rebind(strided)).isInstanceOf(GhostFlowException.class)
                .hasMessageContaining("3x3 stride-1");
    }
}
