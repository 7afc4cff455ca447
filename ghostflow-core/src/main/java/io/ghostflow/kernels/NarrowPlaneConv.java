package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.NR;

import io.ghostflow.core.Parallel;
import java.util.Arrays;

/**
 * Convolutions whose output plane is small against the register tile: resnet18's 7 x 7 layers
 * have 49 pixels per channel, one full 32-column tile and a second one half empty on AVX-512.
 * The GEMM runs transposed, {@code Y^T[OH*OW, outC] = cols^T * W^T}: pixels are the rows (4 per
 * tile, so at most 3 rows are wasted) and output channels the vector lanes (a multiple of the
 * tile in every common network). The result is transposed into NCHW with the epilogue applied
 * there. Each image is one GEMM; the im2col matrix is written out (no copy for 1x1 stride-1
 * convolutions, whose input already is it).
 */
final class NarrowPlaneConv {
    /**
     * Most output pixels per image that go this way. Per layer, one JVM each
     * (AVX-512, 1 thread): resnet18's 7 x 7 3x3 layers 1.75-1.80 ms against 2.05-2.19 as Winograd,
     * its stride-2 layer4.0.conv1 0.93 against 1.25-1.31 over the implicit im2col, mobilenet_v2_bn's
     * 7 x 7 pointwise layers 0.80-0.85x; but with 169 pixels (squeezenet1_1's 13 x 13 layers) or 196
     * (resnet18's layer3) the transposed GEMM ran 1.1-1.8x slower than the usual paths.
     */
    static final int MAX_PIXELS = Integer.getInteger("ghostflow.conv.narrowMaxPixels", 64);

    private static final ScratchFloats COLUMNS = new ScratchFloats(1);
    private static final ScratchFloats RESULT = new ScratchFloats(1);

    private NarrowPlaneConv() {
    }

    /**
     * Whether p runs better transposed: one group, output planes of at most {@link #MAX_PIXELS}
     * pixels that do not fill whole tiles, and at least a tile of output channels to fill the
     * lanes. Decided per image, not per batch: each image is its own GEMM, so a batched run
     * computes exactly the bits of each image run alone. Only with 32-column tiles (AVX-512), where
     * it was measured: with 16 columns a 7 x 7 plane is three full tiles and one column.
     */
    static boolean suits(Conv2d.Params p) {
        int ohw = p.outH() * p.outW();
        return NR >= 32 && p.groups() == 1 && ohw <= MAX_PIXELS && ohw % NR != 0 && p.outC() >= NR;
    }

    /** The weights [outC, K] as the transposed GEMM's right-hand operand W^T [K, outC]. */
    static PackedB pack(float[] weights, int offset, Conv2d.Params p) {
        return Gemm.packB(weights, offset, p.c() * p.kH() * p.kW(), p.outC(), true);
    }

    /** y[yOff ..] = epi(conv(x[xOff ..])) for p with {@link #suits}; x is [N, C, H, W], y [N, outC, OH, OW]. */
    static void run(Conv2d.Params p, PackedB wt, float[] x, int xOff, float[] y, int yOff, Epilogue epi, int threads) {
        int ohw = p.outH() * p.outW();
        int k = p.c() * p.kH() * p.kW();
        int hw = p.h() * p.w();
        float[] result = RESULT.get(0, ohw * p.outC());
        for (int n = 0; n < p.n(); n++) {
            int xo = xOff + n * p.c() * hw;
            float[] cols = x;
            int colsOff = xo;
            if (!p.isPointwise()) {
                cols = COLUMNS.get(0, k * ohw);
                colsOff = 0;
                im2col(p, x, xo, cols);
            }
            Gemm.gemm(ohw, p.outC(), k, 1f, cols, colsOff, ohw, true, wt, 0f, result, 0, p.outC(), Epilogue.NONE,
                    threads);
            int yo = yOff + n * p.outC() * ohw;
            int image = n;
            // The transpose and epilogue by channel blocks over the threads too: serial, they held up the
            // second core on resnet18's 7 x 7 layers.
            Parallel.forRange(threads, p.outC() / NR, 1, (q0, q1) -> store(p, result, y, yo, epi, image, q0 * NR,
                    q1 == p.outC() / NR ? p.outC() : q1 * NR));
        }
    }

    /**
     * Image n's output channels [m0, m1) of y[yo ..] = epi(result^T): result [OH*OW, outC] into NCHW,
     * with the epilogue. Disjoint channel ranges may be stored by different threads.
     */
    static void store(Conv2d.Params p, float[] result, float[] y, int yo, Epilogue epi, int n, int m0, int m1) {
        int ohw = p.outH() * p.outW();
        if (epi.atMostRowBiasClamp()) {
            float[] bias = epi.rowBias();
            TransposeBlocks.biasClamp(result, ohw, p.outC(), m0, m1, y, yo, bias, bias == null ? 0 : epi.biasOffset(),
                    epi.clampLow(), epi.clampHigh());
        } else {
            TransposeBlocks.biasClamp(result, ohw, p.outC(), m0, m1, y, yo, null, 0, Float.NEGATIVE_INFINITY,
                    Float.POSITIVE_INFINITY);
            epi.withResidualRowsAhead(n * p.outC()).apply(y, yo + m0 * ohw, ohw, m0, 0, m1 - m0, ohw);
        }
    }

    /** cols[k * OH*OW + pixel] = the input tap k (channel, ky, kx) of each output pixel, 0 in the padding. */
    static void im2col(Conv2d.Params p, float[] x, int xo, float[] cols) {
        if (p.strideH() == 1 && p.strideW() == 1 && p.dilationH() == 1 && p.dilationW() == 1 && p.outH() == p.h()
                && p.outW() == p.w()) {
            shiftedPlanes(p, x, xo, cols);
            return;
        }
        int oh = p.outH();
        int ow = p.outW();
        int row = 0;
        for (int c = 0; c < p.c(); c++) {
            int plane = xo + c * p.h() * p.w();
            for (int ky = 0; ky < p.kH(); ky++) {
                for (int kx = 0; kx < p.kW(); kx++, row++) {
                    int d = row * oh * ow;
                    int dx = kx * p.dilationW() - p.padLeft();
                    int sw = p.strideW();
                    // Output columns [lo, hi) read inside the row; the rest are padding: bounds per tap, not
                    // a test per element (strided layers; same-size ones take shiftedPlanes).
                    int lo = Math.min(ow, dx >= 0 ? 0 : (-dx + sw - 1) / sw);
                    int hi = Math.max(lo, Math.min(ow, dx >= p.w() ? 0 : (p.w() - 1 - dx) / sw + 1));
                    for (int oy = 0; oy < oh; oy++, d += ow) {
                        int iy = oy * p.strideH() + ky * p.dilationH() - p.padTop();
                        if (iy < 0 || iy >= p.h()) {
                            Arrays.fill(cols, d, d + ow, 0f);
                            continue;
                        }
                        int src = plane + iy * p.w() + dx;
                        for (int ox = 0; ox < lo; ox++) {
                            cols[d + ox] = 0f;
                        }
                        for (int ox = lo; ox < hi; ox++) {
                            cols[d + ox] = x[src + ox * sw];
                        }
                        for (int ox = hi; ox < ow; ox++) {
                            cols[d + ox] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #im2col} for stride 1 and output planes the size of the input ("same" padding: resnet18's
     * 7 x 7 3x3 layers): each tap's row of cols is the input plane shifted by (ky - padTop, kx -
     * padLeft), one contiguous copy, then zeros where the shift left the plane. Row by row, the copies
     * of 7 floats cost more in loop overhead than in data (3% of resnet18's run time for its three
     * such layers, measured by skipping the im2col).
     */
    private static void shiftedPlanes(Conv2d.Params p, float[] x, int xo, float[] cols) {
        int h = p.h();
        int w = p.w();
        int hw = h * w;
        int row = 0;
        for (int c = 0; c < p.c(); c++) {
            int plane = xo + c * hw;
            for (int ky = 0; ky < p.kH(); ky++) {
                int dy = ky - p.padTop();
                int yLo = Math.min(h, Math.max(0, -dy));
                int yHi = Math.max(yLo, Math.min(h, h - dy));
                for (int kx = 0; kx < p.kW(); kx++, row++) {
                    int dx = kx - p.padLeft();
                    int d = row * hw;
                    // Columns [xLo, xHi) of a row read inside the input row.
                    int xLo = Math.min(w, Math.max(0, -dx));
                    int xHi = Math.max(xLo, Math.min(w, w - dx));
                    Arrays.fill(cols, d, d + yLo * w, 0f);
                    Arrays.fill(cols, d + yHi * w, d + hw, 0f);
                    if (yHi > yLo && xHi > xLo) {
                        // One run from the first inside value of row yLo to the last of row yHi - 1: the values
                        // in between that wrap across a row edge are overwritten with zeros below.
                        int first = yLo * w + xLo;
                        int last = (yHi - 1) * w + xHi;
                        System.arraycopy(x, plane + first + dy * w + dx, cols, d + first, last - first);
                    }
                    for (int y = yLo; y < yHi; y++) {
                        int r = d + y * w;
                        for (int ox = 0; ox < xLo; ox++) {
                            cols[r + ox] = 0f;
                        }
                        for (int ox = xHi; ox < w; ox++) {
                            cols[r + ox] = 0f;
                        }
                    }
                }
            }
        }
    }
}
