package io.ghostflow.kernels;

import static io.ghostflow.kernels.ConvChecks.square;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The direct convolution with output pixels as rows: which convolutions take it, and results
 * against the reference on random geometry (any channel count, strides 1-3, asymmetric padding,
 * planes that are not a multiple of the 7-pixel tile, batches with a residual per image, every
 * epilogue, 1-2 threads), run directly and through {@link Conv2d}.
 */
class PixelRowsConvTest {
    private static final int NR = Gemm.tileColumns();

    @Test
    void stridedAndSmallPlaneThreeByThreeLayersTakeIt() {
        assumeTrue(GemmPairKernel.ENABLED && NR == 32, "used with 32 vector registers of 16 lanes only");
        assertThat(PixelRowsConv.suits(square(1, 64, 56, 128, 3, 2, 1))).as("resnet18 layer2.0.conv1").isTrue();
        assertThat(PixelRowsConv.suits(square(1, 256, 14, 512, 3, 2, 1))).as("resnet18 layer4.0.conv1").isTrue();
        assertThat(PixelRowsConv.suits(square(2, 512, 7, 512, 3, 1, 1))).as("resnet18 layer4, a batch").isTrue();
        assertThat(PixelRowsConv.suits(square(1, 256, 14, 256, 3, 1, 1))).as("14 x 14 stride 1: Winograd").isFalse();
        assertThat(PixelRowsConv.suits(square(1, 3, 224, 64, 3, 2, 1))).as("a 3-channel stem").isFalse();
        assertThat(PixelRowsConv.suits(square(1, 64, 56, 128, 1, 2, 0))).as("pointwise").isFalse();
        assertThat(PixelRowsConv.suits(square(1, 64, 56, 100, 3, 2, 1))).as("a partial channel panel").isFalse();
        assertThat(PixelRowsConv.suits(new Conv2d.Params(1, 64, 28, 28, 64, 3, 3, 2, 2, 1, 1, 1, 1, 2, 2, 1)))
                .as("dilated").isFalse();
        assertThat(PixelRowsConv.suits(new Conv2d.Params(1, 64, 28, 28, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 2)))
                .as("grouped").isFalse();
    }

    @Test
    void randomGeometryMatchesTheReference() {
        assumeTrue(NR == 2 * GemmBlocking.L, "whole panels of two vectors");
        Random r = new Random(71);
        for (int iter = 0; iter < 60; iter++) {
            int c = 1 + r.nextInt(iter % 3 == 0 ? 80 : 12);
            int m = NR * (1 + r.nextInt(3));
            int s = 1 + r.nextInt(3);
            int h = 3 + r.nextInt(14);
            int w = 3 + r.nextInt(14);
            Conv2d.Params p = new Conv2d.Params(1 + r.nextInt(3), c, h, w, m, 3, 3, s, 1 + r.nextInt(3), r.nextInt(3),
                    r.nextInt(3), r.nextInt(3), r.nextInt(3), 1, 1, 1);
            int threads = 1 + iter % 2;
            ConvChecks.againstReference(p, ConvChecks.randomEpilogue(r, iter), r, 0.0,
                    (wt, x, y, epi) -> PixelRowsConv.run(p, PixelRowsConv.Geometry.of(p), PixelRowsConv.pack(wt, 0, p),
                            x, 0, y, 0, epi, threads));
        }
    }

    @Test
    void convolutionsThatTakeItMatchTheReferenceThroughConv2d() {
        assumeTrue(GemmPairKernel.ENABLED && NR == 32, "used with 32 vector registers of 16 lanes only");
        Random r = new Random(73);
        int taken = 0;
        for (int iter = 0; iter < 24; iter++) {
            int c = 22 + r.nextInt(60);
            int s = 1 + r.nextInt(2);
            int h = s == 1 ? 2 + r.nextInt(6) : 5 + r.nextInt(20); // stride 1: at most 7 x 8 = 56 pixels
            int m = NR * (1 + r.nextInt(2));
            Conv2d.Params p = new Conv2d.Params(1 + r.nextInt(2), c, h, h + r.nextInt(2), m, 3, 3, s, s, 1, 1, 1, 1, 1, 1, 1);
            assertThat(PixelRowsConv.suits(p)).as("%s", p).isTrue();
            taken++;
            ConvChecks.againstReference(p, ConvChecks.randomEpilogue(r, iter), r, 1 + iter % 2, 0.0);
        }
        assertThat(taken).isEqualTo(24);
    }

    /**
     * A strided layer it takes packs no GEMM weights: re-bound to another input size it still runs
     * (checked against the reference), re-bound to a geometry it does not take it fails clearly.
     */
    @Test
    void stridedLayersReboundToOtherSizes() {
        assumeTrue(GemmPairKernel.ENABLED && NR == 32, "used with 32 vector registers of 16 lanes only");
        Random r = new Random(83);
        Conv2d.Params p = square(1, 32, 16, NR, 3, 2, 1);
        Conv2d.Params bigger = square(2, 32, 21, NR, 3, 2, 1);
        ConvChecks.againstReference(bigger, Epilogue.of(Activation.RELU), r, 0.0,
                (wt, x, y, epi) -> Conv2d.prepare(wt, p).rebind(bigger).run(x, y, epi, 2));
        Conv2d prepared = Conv2d.prepare(Tolerances.random(r, NR * 32 * 9), p);
        assertThatThrownBy(() -> prepared.rebind(square(1, 32, 40, NR, 3, 1, 1)))
                .isInstanceOf(io.ghostflow.core.GhostFlowException.class).hasMessageContaining("PixelRowsConv");
    }

    /** Every image of a batch gets exactly the bits it gets alone. */
    @Test
    void batchedImagesEqualTheirSingleRunsBitForBit() {
        assumeTrue(NR == 2 * GemmBlocking.L, "whole panels of two vectors");
        Random r = new Random(79);
        Conv2d.Params one = square(1, 30, 11, 2 * NR, 3, 2, 1);
        Conv2d.Params three = square(3, 30, 11, 2 * NR, 3, 2, 1);
        float[] w = Tolerances.random(r, one.outC() * one.c() * 9);
        float[] x = Tolerances.random(r, three.n() * three.c() * 11 * 11);
        float[] bias = Tolerances.random(r, one.outC());
        Epilogue epi = Epilogue.of(Activation.RELU).withRowBias(bias, 0);
        int outPerImage = one.outC() * one.outH() * one.outW();
        float[] batched = new float[3 * outPerImage];
        PixelRowsConv.run(three, PixelRowsConv.Geometry.of(three), PixelRowsConv.pack(w, 0, three), x, 0, batched, 0,
                epi, 2);
        for (int n = 0; n < 3; n++) {
            float[] single = new float[outPerImage];
            PixelRowsConv.run(one, PixelRowsConv.Geometry.of(one), PixelRowsConv.pack(w, 0, one), x,
                    n * one.c() * 11 * 11, single, 0, epi, 1);
            for (int i = 0; i < outPerImage; i++) {
                assertThat(Float.floatToRawIntBits(batched[n * outPerImage + i])).as("image %d [%d]", n, i)
                        .isEqualTo(Float.floatToRawIntBits(single[i]));
            }
        }
    }
}
