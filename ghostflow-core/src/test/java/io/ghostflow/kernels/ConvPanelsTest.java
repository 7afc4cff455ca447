package io.ghostflow.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The implicit im2col at column stride 2 (zero-framed split rows, full panels copied run by run)
 * against the reference convolution: resnet18's stride-2 3x3 layers (28- and 14-pixel output rows,
 * so every panel holds two or three runs and a padding row's run is longer than a vector), odd
 * widths, wider padding, dilation, and batches whose panels cross from one image into the next.
 */
class ConvPanelsTest {
    private static Conv2d.Params conv(int n, int c, int h, int w, int m, int k, int pad, int dilation) {
        return new Conv2d.Params(n, c, h, w, m, k, k, 2, 2, pad, pad, pad, pad, dilation, dilation, 1);
    }

    @Test
    void stride2LayersMatchTheReference() {
        java.util.Random r = new java.util.Random(61);
        Conv2d.Params[] shapes = {
            conv(1, 32, 56, 56, 16, 3, 1, 1), // resnet18's layer2.0.conv1 geometry, fewer channels
            conv(2, 32, 28, 28, 16, 3, 1, 1), // layer3.0.conv1's 14-pixel rows, two images
            conv(1, 24, 57, 59, 8, 3, 1, 1), // odd widths
            conv(2, 24, 40, 45, 8, 3, 3, 1), // wide padding
            conv(1, 24, 50, 50, 8, 3, 2, 2), // dilation
            conv(2, 24, 30, 30, 12, 5, 2, 1), // 5x5
        };
        for (Conv2d.Params p : shapes) {
            assertThat(StridedConv.suits(p, Gemm.packA(new float[p.outC() * p.c() * 9], 0, p.outC(), p.c() * 9, false),
                    Epilogue.NONE)).as("%s takes the implicit im2col", p).isFalse();
            for (int threads = 1; threads <= 2; threads++) {
                ConvChecks.againstReference(p, Epilogue.of(Activation.RELU).withRowBias(new float[0], 0), r, threads, 0.0);
            }
        }
    }
}
