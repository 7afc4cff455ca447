package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.L;
import static io.ghostflow.kernels.GemmBlocking.NR;
import static io.ghostflow.kernels.GemmBlocking.S;

import io.ghostflow.core.Parallel;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A CNN stem, a shallow strided convolution (a few input channels, 3x3 or 7x7) followed by a max
 * pool, with the convolution's output kept pixel-major: output channels are the vector lanes, so
 * the pool is the maximum of whole vectors (no lane shuffles) and only the pooled result, a
 * quarter of the convolution's output, is transposed into NCHW. Each tile is six output pixels by
 * four vectors of channels: per tap one input value per pixel broadcast, four weight vectors
 * (the whole-K W^T panels of {@link PixelRowsConv#pack}), 24 multiply-adds. The convolution rows
 * a band of pooled rows needs go into a per-thread ring of rows, so rows shared by two bands are
 * computed once.
 *
 * <p>Bias and ReLU / Clip are applied after the pool: both are non-decreasing, so the maximum of
 * the activated values is the activation of the maximum, with the same bits (a sum of products
 * from a zero accumulator is never -0, so no sign of zero can differ). Each convolution output is
 * the same FMA chain over the taps, in im2col order, as in {@link StridedConv}, so every output
 * equals the unfused pair's bit for bit.
 */
final class PixelRowsConvMaxPool {
    /** Output pixels per tile. */
    private static final int PIXELS = 6;
    /** Output channels per tile: four vectors, two panels of W^T. */
    private static final int CHANNELS = 4 * L;
    /** Pooled rows per band: a ring of (4 - 1) * 2 + 3 = 9 convolution rows of 112 x 64 floats is 258 KB, in L2. */
    private static final int BAND_ROWS = 4;
    /** Deepest convolution taken (C * kH * kW): 147 for a 7x7 stem. */
    private static final int MAX_DEPTH = StridedConv.MAX_DEPTH;

    private static final ScratchFloats FRAMED = new ScratchFloats(1);
    /** Per thread: the ring of convolution rows and the pooled band. */
    private static final ScratchFloats BAND = new ScratchFloats(2);
    private static final ThreadLocal<int[]> OFFSETS = ThreadLocal.withInitial(() -> new int[MAX_DEPTH]);

    private PixelRowsConvMaxPool() {
    }

    /**
     * Whether {@code conv} with epilogue epi (bias and ReLU / Clip at most) followed by {@code pool}
     * runs here: 32 vector registers (the tile's 24 sums and 4 weight vectors; with 16 they would
     * spill), one group, undilated, strided across rows, at most 4 input channels and
     * {@link #MAX_DEPTH} taps, output channels a multiple of {@link #CHANNELS}, rows of at least a
     * tile, and pool windows (column stride 2) that each start inside the convolution's output or
     * its padding.
     */
    static boolean suits(Conv2d conv, Epilogue epi, StridedConvMaxPool.Pool pool) {
        Conv2d.Params p = conv.params();
        return GemmPairKernel.ENABLED && NR == 2 * L && p.groups() == 1 && p.strideW() >= 2 && p.dilationH() == 1
                && p.dilationW() == 1 && p.c() <= 4 && p.c() * p.kH() * p.kW() <= MAX_DEPTH && p.outC() % CHANNELS == 0
                && p.outW() >= PIXELS && p.outH() > 0 && epi.atMostRowBiasClamp() && epi.clampLow() <= epi.clampHigh()
                && pool.kh() >= pool.sh() && pool.sh() >= 1 && pool.kw() >= 1 && pool.oh() > 0 && pool.ow() > 0
                && pool.padTop() >= 0 && pool.padTop() < pool.kh() && pool.padLeft() >= 0 && pool.padLeft() < pool.kw()
                && (long) (pool.oh() - 1) * pool.sh() - pool.padTop() < p.outH()
                && (long) (pool.ow() - 1) * 2 - pool.padLeft() < p.outW();
    }

    /**
     * y[yOff ..] = maxpool(epi(conv(x[xOff ..]))) for a pair that {@link #suits}; x is [N, C, H, W], y
     * [N, outC, pool.oh, pool.ow]. Returns false, with y partly written, when a convolution output is
     * NaN or infinite: the caller then runs the pair unfused, whose pooling decides those windows.
     */
    static boolean run(Conv2d conv, Epilogue epi, StridedConvMaxPool.Pool pool, float[] x, int xOff, float[] y, int yOff,
                       int threads) {
        Conv2d.Params p = conv.params();
        float[] weights = conv.pixelWeights();
        int hp = p.h() + p.padTop() + p.padBottom();
        int wp = p.w() + p.padLeft() + p.padRight();
        int pooled = pool.oh() * pool.ow();
        AtomicBoolean finite = new AtomicBoolean(true);
        for (int n = 0; n < p.n() && finite.get(); n++) {
            int xo = xOff + n * p.c() * p.h() * p.w();
            // Without padding the image is its own frame (squeezenet1_1's stem): read in place.
            boolean padded = hp != p.h() || wp != p.w();
            float[] src = padded ? FRAMED.get(0, p.c() * hp * wp) : x;
            int so = padded ? 0 : xo;
            if (padded) {
                // by rows across the channels: by channel, a 3-channel stem went 2 + 1 over two threads
                Parallel.forRange(threads, p.c() * hp, Math.max(1, 4096 / wp),
                        (i0, i1) -> FramedImage.copyRows(p, x, xo, src, hp, wp, i0, i1));
            }
            int yo = yOff + n * p.outC() * pooled;
            Parallel.forRange(threads, pool.oh(), 1, (o0, o1) -> {
                if (!bands(p, hp, wp, weights, src, so, epi, pool, y, yo, o0, o1)) {
                    finite.set(false);
                }
            });
        }
        return finite.get();
    }

    /** Pooled rows [o0, o1) of one image, band by band; false once a convolution output is NaN or infinite. */
    private static boolean bands(Conv2d.Params p, int hp, int wp, float[] weights, float[] framed, int fo, Epilogue epi,
                                 StridedConvMaxPool.Pool pool, float[] y, int yo, int o0, int o1) {
        int ow = p.outW();
        int outC = p.outC();
        int rowFloats = ow * outC;
        int ringRows = (BAND_ROWS - 1) * pool.sh() + pool.kh();
        float[] ring = BAND.get(0, ringRows * rowFloats);
        float[] band = BAND.get(1, BAND_ROWS * pool.ow() * outC);
        float[] bias = epi.rowBias();
        float probe = 0f;
        // Convolution rows below next have been computed, row r at slot r % ringRows; a band reads at most
        // ringRows of them, its first row the oldest.
        int next = Math.max(0, o0 * pool.sh() - pool.padTop());
        for (int b0 = o0; b0 < o1; b0 += BAND_ROWS) {
            int b1 = Math.min(o1, b0 + BAND_ROWS);
            int need = Math.min(p.outH(), (b1 - 1) * pool.sh() - pool.padTop() + pool.kh());
            for (; next < need; next++) {
                probe += convRow(p, hp, wp, weights, framed, fo, next, ring, (next % ringRows) * rowFloats);
            }
            if (Float.isNaN(probe)) {
                return false;
            }
            for (int py = b0; py < b1; py++) {
                poolRow(p, pool, ring, ringRows, py, band, (py - b0) * pool.ow() * outC);
            }
            TransposeBlocks.biasClamp(band, (b1 - b0) * pool.ow(), outC, 0, outC, y, yo + b0 * pool.ow(),
                    pool.oh() * pool.ow(), bias, bias == null ? 0 : epi.biasOffset(), epi.clampLow(), epi.clampHigh());
        }
        return true;
    }

    /**
     * Convolution row oy, every pixel and channel, from the zero-framed image at framed[fo] (hp x wp
     * planes), into row[ro + ox * outC + m]; returns NaN if an output is NaN or infinite, else 0. A
     * row's last tile ends at its last pixel, overlapping the tile before it with the same values.
     */
    private static float convRow(Conv2d.Params p, int hp, int wp, float[] weights, float[] framed, int fo, int oy,
                                 float[] row, int ro) {
        int ow = p.outW();
        int outC = p.outC();
        int k = p.c() * p.kH() * p.kW();
        int sw = p.strideW();
        int[] offsets = OFFSETS.get();
        for (int ch = 0, t = 0; ch < p.c(); ch++) {
            for (int ky = 0; ky < p.kH(); ky++) {
                for (int kx = 0; kx < p.kW(); kx++, t++) {
                    offsets[t] = (ch * hp + ky) * wp + kx;
                }
            }
        }
        float probe = 0f;
        for (int q = 0; q < outC; q += CHANNELS) {
            // Two W^T panels of NR channels each: q / NR and the next.
            int bo = q / NR * k * NR;
            for (int ox = 0; ox < ow; ox += PIXELS) {
                int x0 = Math.min(ox, ow - PIXELS);
                probe += tile(k, offsets, sw, framed, fo + oy * p.strideH() * wp + x0 * sw, weights, bo, bo + k * NR, row,
                        ro + x0 * outC + q, outC);
            }
        }
        return probe;
    }

    /**
     * Six output pixels (window corners at x[base + j * sw]) by four vectors of channels (W^T panels
     * at b[bo] and b[bo2], NR channels each, whole K): the taps in im2col order (channel, row,
     * column), tap t at offset offsets[t] from a corner, each pixel's sum at c[co + j * ldc]. One
     * flat loop over the taps: loops over rows and columns of the window carried the 24 sums
     * through two more loop levels, and C2 took 4-5x the time. Returns NaN if a sum is NaN or
     * infinite, else 0.
     */
    private static float tile(int taps, int[] offsets, int sw, float[] x, int base, float[] b, int bo, int bo2, float[] c,
                              int co, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S), c43 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S), c53 = FloatVector.zero(S);
        for (int t = 0, w0 = bo, w1 = bo2; t < taps; t++, w0 += NR, w1 += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, w0);
            FloatVector b1 = FloatVector.fromArray(S, b, w0 + L);
            FloatVector b2 = FloatVector.fromArray(S, b, w1);
            FloatVector b3 = FloatVector.fromArray(S, b, w1 + L);
            int at = base + offsets[t];
            FloatVector a = FloatVector.broadcast(S, x[at]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            c02 = a.fma(b2, c02);
            c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(S, x[at + sw]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            c12 = a.fma(b2, c12);
            c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(S, x[at + 2 * sw]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            c22 = a.fma(b2, c22);
            c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(S, x[at + 3 * sw]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            c32 = a.fma(b2, c32);
            c33 = a.fma(b3, c33);
            a = FloatVector.broadcast(S, x[at + 4 * sw]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            c42 = a.fma(b2, c42);
            c43 = a.fma(b3, c43);
            a = FloatVector.broadcast(S, x[at + 5 * sw]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            c52 = a.fma(b2, c52);
            c53 = a.fma(b3, c53);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c02.intoArray(c, co + 2 * L);
        c03.intoArray(c, co + 3 * L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c12.intoArray(c, co + ldc + 2 * L);
        c13.intoArray(c, co + ldc + 3 * L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c22.intoArray(c, co + 2 * ldc + 2 * L);
        c23.intoArray(c, co + 2 * ldc + 3 * L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c32.intoArray(c, co + 3 * ldc + 2 * L);
        c33.intoArray(c, co + 3 * ldc + 3 * L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c42.intoArray(c, co + 4 * ldc + 2 * L);
        c43.intoArray(c, co + 4 * ldc + 3 * L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
        c52.intoArray(c, co + 5 * ldc + 2 * L);
        c53.intoArray(c, co + 5 * ldc + 3 * L);
        FloatVector sum = c00.add(c01).add(c02.add(c03)).add(c10.add(c11).add(c12.add(c13)))
                .add(c20.add(c21).add(c22.add(c23)).add(c30.add(c31).add(c32.add(c33))))
                .add(c40.add(c41).add(c42.add(c43)).add(c50.add(c51).add(c52.add(c53))));
        return sum.mul(0f).reduceLanes(VectorOperators.ADD);
    }

    /**
     * Pooled row py from the ring (convolution row r at slot r % ringRows), every pixel and channel,
     * into band[bo + px * outC + m]: each window's taps row by row, the first of equal values kept.
     */
    private static void poolRow(Conv2d.Params p, StridedConvMaxPool.Pool pool, float[] ring, int ringRows, int py,
                                float[] band, int bo) {
        int ow = p.outW();
        int outC = p.outC();
        int rowFloats = ow * outC;
        int top = py * pool.sh() - pool.padTop();
        int r0 = Math.max(0, top);
        int r1 = Math.min(p.outH(), top + pool.kh());
        boolean threeRows = r1 - r0 == 3;
        int ro0 = (r0 % ringRows) * rowFloats;
        int ro1 = ((r0 + 1) % ringRows) * rowFloats;
        int ro2 = ((r0 + 2) % ringRows) * rowFloats;
        for (int px = 0; px < pool.ow(); px++) {
            int left = 2 * px - pool.padLeft();
            int col0 = Math.max(0, left);
            int col1 = Math.min(ow, left + pool.kw());
            if (threeRows && col1 - col0 == 3) {
                window3x3(ring, ro0 + col0 * outC, ro1 + col0 * outC, ro2 + col0 * outC, outC, band, bo + px * outC);
                continue;
            }
            for (int m = 0; m < outC; m += L) {
                FloatVector best = FloatVector.fromArray(S, ring, (r0 % ringRows) * rowFloats + col0 * outC + m);
                for (int r = r0; r < r1; r++) {
                    int ro = (r % ringRows) * rowFloats + m;
                    for (int col = r == r0 ? col0 + 1 : col0; col < col1; col++) {
                        FloatVector v = FloatVector.fromArray(S, ring, ro + col * outC);
                        best = best.blend(v, best.compare(VectorOperators.LT, v));
                    }
                }
                best.intoArray(band, bo + px * outC + m);
            }
        }
    }

    /**
     * A 3 x 3 window wholly inside the rows (the usual one): its three rows' first pixels at ring[a0],
     * ring[a1] and ring[a2], pixels outC apart, the taps written out in the same order as
     * {@link #poolRow}'s loops (those took a third of squeezenet1_1's stem here).
     */
    private static void window3x3(float[] ring, int a0, int a1, int a2, int outC, float[] band, int bo) {
        for (int m = 0; m < outC; m += L) {
            // the nine taps in row order, three at a time: the same comparisons in the same order as the loop
            FloatVector best = MaxPoolStride2.max3(FloatVector.fromArray(S, ring, a0 + m),
                    FloatVector.fromArray(S, ring, a0 + outC + m), FloatVector.fromArray(S, ring, a0 + 2 * outC + m));
            best = MaxPoolStride2.max3(best, FloatVector.fromArray(S, ring, a1 + m),
                    FloatVector.fromArray(S, ring, a1 + outC + m));
            best = MaxPoolStride2.max3(best, FloatVector.fromArray(S, ring, a1 + 2 * outC + m),
                    FloatVector.fromArray(S, ring, a2 + m));
            best = MaxPoolStride2.max3(best, FloatVector.fromArray(S, ring, a2 + outC + m),
                    FloatVector.fromArray(S, ring, a2 + 2 * outC + m));
            best.intoArray(band, bo + m);
        }
    }
}
