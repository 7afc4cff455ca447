package io.ghostflow.kernels;

import io.ghostflow.core.Parallel;

/**
 * A 1x1 convolution with a stride above 1 and no padding (ResNet's downsample shortcuts) as what
 * it is: the pointwise convolution of the input's subsampled pixels. The pixels (oy * sH, ox * sW)
 * are first gathered into a dense [C, OH * OW] matrix, split over the threads by channel, and the
 * GEMM then reads it as it reads a stride-1 input (in place when the weights are shallow enough,
 * see {@link GemmDirectB}). The im2col path instead split every read input row into its even and
 * odd columns and then built each 16-column panel of a 14- or 28-pixel-wide output from two rows
 * with masked loads. Small outputs of a batch share one GEMM, as in {@link Conv2d}'s im2col path.
 *
 * <p>Each output is one FMA chain over the channels in order followed by the epilogue, as in the
 * im2col path, which takes the channels in one K block as this one does (up to 1024 of them), so
 * the results are bit-identical to it there.
 */
final class SubsampledPointwise {
    private static final ScratchFloats PIXELS = new ScratchFloats(1);

    private SubsampledPointwise() {
    }

    /** Whether p is a single-group 1x1 convolution with a stride above 1 and no padding (dilation moves no tap). */
    static boolean suits(Conv2d.Params p) {
        return p.kH() == 1 && p.kW() == 1 && p.groups() == 1 && (p.strideH() > 1 || p.strideW() > 1)
                && p.padTop() == 0 && p.padLeft() == 0 && p.padBottom() == 0 && p.padRight() == 0;
    }

    /** y[yOff ..] = epi(conv(x[xOff ..])) for p with {@link #suits} and its weights packed as a; x is [N, C, H, W]. */
    static void run(Conv2d.Params p, PackedA a, float[] x, int xOff, float[] y, int yOff, Epilogue epi, int threads) {
        int c = p.c();
        int ohw = p.outH() * p.outW();
        int image = c * p.h() * p.w();
        int grain = Math.max(1, 8192 / ohw);
        if (p.n() > 1 && ohw < Conv2d.BATCH_FOLD_MAX_OHW) {
            int wide = p.n() * ohw;
            float[] pixels = PIXELS.get(0, c * wide);
            Parallel.forRange(threads, p.n() * c, grain, (i0, i1) -> {
                for (int i = i0; i < i1; i++) {
                    int n = i / c;
                    int ch = i % c;
                    gather(p, x, xOff + n * image + ch * p.h() * p.w(), pixels, ch * wide + n * ohw);
                }
            });
            float[] out = Conv2d.foldedOutputs(p);
            Gemm.gemm(p.outC(), wide, c, 1f, a, pixels, 0, wide, false, 0f, out, 0, wide, Epilogue.NONE, threads);
            Conv2d.unfold(p, out, y, yOff, epi);
            return;
        }
        float[] pixels = PIXELS.get(0, c * ohw);
        for (int n = 0; n < p.n(); n++) {
            int xo = xOff + n * image;
            Parallel.forRange(threads, c, grain, (c0, c1) -> {
                for (int ch = c0; ch < c1; ch++) {
                    gather(p, x, xo + ch * p.h() * p.w(), pixels, ch * ohw);
                }
            });
            Gemm.gemm(p.outC(), ohw, c, 1f, a, pixels, 0, ohw, false, 0f, y, yOff + n * p.outC() * ohw, ohw,
                    epi.withResidualRowsAhead(n * p.outC()), threads);
        }
    }

    /** pixels[dst + oy * OW + ox] = x[src + oy * sH * W + ox * sW]: one channel plane's subsampled pixels. */
    private static void gather(Conv2d.Params p, float[] x, int src, float[] pixels, int dst) {
        int w = p.w();
        int oh = p.outH();
        int ow = p.outW();
        int sW = p.strideW();
        for (int oy = 0; oy < oh; oy++) {
            int from = src + oy * p.strideH() * w;
            int to = dst + oy * ow;
            if (sW == 2) {
                Deinterleave.evensOfRow(x, from, w, 0, pixels, to, ow);
            } else {
                for (int ox = 0; ox < ow; ox++) {
                    pixels[to + ox] = x[from + ox * sW];
                }
            }
        }
    }
}
