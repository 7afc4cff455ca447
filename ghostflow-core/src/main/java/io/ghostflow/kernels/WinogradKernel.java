package io.ghostflow.kernels;

/** A Winograd 3x3 stride-1 convolution with its weights transformed: F(2x2, 3x3) or F(4x4, 3x3). */
interface WinogradKernel {
    /** Images per pass for geometry p: the transformed tiles of a pass stay near the caches. */
    int imagesPerPass(Conv2d.Params p);

    /** y = epi(conv(x)); x is [N, C, H, W], y is [N, outC, OH, OW]. */
    void run(Conv2d.Params p, float[] x, int xOff, float[] y, int yOff, Epilogue e, int threads);
}
