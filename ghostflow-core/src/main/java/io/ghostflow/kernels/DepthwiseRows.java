package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.L;

import java.util.Arrays;

/**
 * A band of output rows [r0, r1) of every channel of one image of a 3x3 depthwise convolution
 * (dilation 1, stride along W of 1 or 2) whose epilogue is at most a bias and ReLU / Clip,
 * written as [C][r1 - r0][OW]: the producer half of {@link DepthwisePointwise}. Per channel, the
 * band's padded input rows are copied into a small zero-framed plane (at stride 2 with wide rows,
 * into column phases for {@link DepthwisePhases}) and the small-plane kernels of {@link DepthwiseConv}
 * compute the band from it, with the same FMA chains (bias and clamp in registers), so every output
 * is bit-identical to the whole-plane kernels'.
 */
final class DepthwiseRows {
    private static final ScratchFloats PAD = new ScratchFloats(1);
    /** Floats of framed planes copied per batch: the copies have left the store buffer before the loads. */
    private static final int BATCH_FLOATS = 4096;

    private DepthwiseRows() {
    }

    static boolean suits(Conv2d.Params p, Epilogue epi) {
        return p.isDepthwise() && p.kH() == 3 && p.kW() == 3 && p.dilationH() == 1 && p.dilationW() == 1
                && p.strideW() <= 2 && epi.atMostRowBiasClamp();
    }

    /** y[yOff + (ch * (r1 - r0) + r - r0) * OW + c] = output (ch, r, c) of the image at x[xOff], r0 <= r < r1 (p.n() unused). */
    static void rows(Conv2d.Params p, float[] w, float[] x, int xOff, Epilogue epi, int r0, int r1, float[] y, int yOff) {
        rows(p, w, x, xOff, p.h() * p.w(), 0, epi, r0, r1, y, yOff);
    }

    /**
     * {@link #rows} over input rows held apart from the image: input row r of channel ch at
     * x[xOff + ch * chStride + (r - rowBase) * W], for the rows of the image the band reads
     * (those outside the image are padding and not read).
     */
    static void rows(Conv2d.Params p, float[] w, float[] x, int xOff, int chStride, int rowBase, Epilogue epi, int r0,
                     int r1, float[] y, int yOff) {
        int sH = p.strideH();
        int rows = r1 - r0;
        int ow = p.outW();
        int pw = DepthwiseConv.SmallPlanes.pw(p);
        int bandRows = (rows - 1) * sH + 3;
        boolean phased = DepthwisePhases.suits(p);
        int half = phased ? DepthwisePhases.half(p) : 0;
        int stride = phased ? bandRows * 2 * half : bandRows * pw + 3 * L + 8;
        int c = p.c();
        int batch = Math.max(1, Math.min(c, BATCH_FLOATS / stride));
        float[] pad = PAD.get(0, batch * stride);
        Arrays.fill(pad, 0, batch * stride, 0f);
        boolean rowBias = epi.biasMode() == Epilogue.BiasMode.PER_ROW;
        float lo = epi.clampLow();
        float hi = epi.clampHigh();
        int firstRow = r0 * sH - p.padTop();
        int end = yOff + c * rows * ow;
        for (int b0 = 0; b0 < c; b0 += batch) {
            int b1 = Math.min(c, b0 + batch);
            for (int ch = b0; ch < b1; ch++) {
                if (phased) {
                    copyBandPhases(x, xOff + ch * chStride - rowBase * p.w(), p.h(), p.w(), p.padLeft(), firstRow, bandRows, pad,
                            (ch - b0) * stride, half);
                } else {
                    copyBand(x, xOff + ch * chStride - rowBase * p.w(), p.h(), p.w(), firstRow, bandRows, pad,
                            (ch - b0) * stride + p.padLeft(), pw);
                }
            }
            for (int ch = b0; ch < b1; ch++) {
                // x + -0f == x for every x, including -0f: no bias adds nothing
                float bias = rowBias ? epi.bias()[epi.biasOffset() + ch] : -0f;
                int base = (ch - b0) * stride;
                int yo = yOff + ch * rows * ow;
                // stores may spill past this channel's band into the next one's, which is computed later
                if (phased) {
                    DepthwisePhases.rows(pad, base, half, w, ch * 9, bias, lo, hi, y, yo, rows, ow, end);
                } else if (p.strideW() == 1 && sH == 1) {
                    DepthwiseConv.small3x3s1rows(pad, base, pw, w, ch * 9, bias, lo, hi, y, yo, rows, ow, end);
                } else if (p.strideW() == 1) {
                    DepthwiseConv.small3x3s1(pad, base, pw, sH, w, ch * 9, bias, lo, hi, y, yo, rows, ow, end);
                } else {
                    DepthwiseConv.small3x3s2(pad, base, pw, sH, w, ch * 9, bias, lo, hi, y, yo, rows, ow, end);
                }
            }
        }
    }

    /** {@link #copyBand} into the column phases of {@link DepthwisePhases}: rows 2 * half apart at pad[to]. */
    private static void copyBandPhases(float[] x, int src, int h, int w, int padLeft, int firstRow, int count, float[] pad,
                                       int to, int half) {
        for (int i = 0; i < count; i++) {
            int r = firstRow + i;
            int dst = to + i * 2 * half;
            if (r < 0 || r >= h) {
                Arrays.fill(pad, dst, dst + 2 * half, 0f);
                continue;
            }
            DepthwisePhases.copyRow(x, src + r * w, w, padLeft, pad, dst, half);
        }
    }

    /**
     * Input rows firstRow .. firstRow + count - 1 of one plane (h x w at src) into framed rows pw
     * apart at pad[to]; rows outside the plane become zeros. The frame columns are never written
     * but by zero lanes.
     */
    private static void copyBand(float[] x, int src, int h, int w, int firstRow, int count, float[] pad, int to, int pw) {
        for (int i = 0; i < count; i++) {
            int r = firstRow + i;
            int dst = to + i * pw;
            if (r < 0 || r >= h) {
                Arrays.fill(pad, dst, dst + w, 0f);
                continue;
            }
            DepthwiseConv.copyRow(x, src + r * w, w, pad, dst);
        }
    }
}
