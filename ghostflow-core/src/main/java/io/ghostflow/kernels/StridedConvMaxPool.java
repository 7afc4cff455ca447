package io.ghostflow.kernels;

import io.ghostflow.core.Parallel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A strided convolution ({@link StridedConv}: the stems of CNNs) followed by a max pool that
 * {@link MaxPoolStride2} runs, computed band by band: a few convolution rows of every channel
 * go into a per-thread band, which the pool reads while it is still in L2, so the convolution's
 * output (3.2 MB for squeezenet1_1's and resnet18's stems, written to memory last touched a run
 * earlier and read back from there) is never stored whole. Each band keeps the rows that the
 * next band's first windows share with it (kernel height minus stride) and computes the rest.
 * Every output is the unfused pair's bit for bit: the same convolution rows ({@link StridedConv#rows})
 * and the same pooling code on them. Stems whose output channels fill {@link PixelRowsConvMaxPool}'s
 * tiles (squeezenet1_1's and resnet18's) go there instead: the entry points here dispatch.
 */
public final class StridedConvMaxPool {
    /**
     * Pool output rows per band: for a 3-row window at stride 2, 9 convolution rows, 255 KB for 64
     * channels of 111 columns, which stays in a 1 MiB L2 with the phases and panels being read.
     */
    private static final int BAND_POOL_ROWS = 4;
    /** Deepest convolution taken (C * kH * kW), as {@link StridedConv}: 27 for a 3x3 stem, 147 for a 7x7 one. */
    public static final int MAX_CONV_DEPTH = StridedConv.MAX_DEPTH;
    private static final ScratchFloats BAND = new ScratchFloats(1);

    /** The max pool after the convolution: window kh x kw, row stride sh (column stride 2), padding above and left, output size. */
    public record Pool(int kh, int kw, int sh, int padTop, int padLeft, int oh, int ow) {
    }

    private StridedConvMaxPool() {
    }

    /**
     * Whether the pair runs fused: as {@link PixelRowsConvMaxPool} (stems with whole tiles of output
     * channels: squeezenet1_1 0.971, resnet18 0.991 of the time on 1 thread and 0.972 on 2, medians
     * of 30 paired blocks in one JVM), or with {@code conv} (epilogue epi) as {@link StridedConv} and
     * the pool as {@link MaxPoolStride2} on its output.
     */
    public static boolean suits(Conv2d conv, Epilogue epi, Pool pool) {
        if (PixelRowsConvMaxPool.suits(conv, epi, pool)) {
            return true;
        }
        Conv2d.Params p = conv.params();
        return conv.runsStrided(epi) && pool.kh >= pool.sh
                && MaxPoolStride2.suits(pool.kh, pool.kw, pool.sh, 2, pool.padTop, pool.padLeft, p.outH(), p.outW(),
                        pool.oh, pool.ow);
    }

    /**
     * y[yOff ..] = maxpool(epi(conv(x[xOff ..]))) for a pair that {@link #suits}; x is [N, C, H, W], y
     * [N, outC, pool.oh, pool.ow]. Returns false, with y partly written, when a convolution output is
     * NaN or infinite: the caller then runs the pair unfused, whose pooling decides those windows.
     */
    public static boolean run(Conv2d conv, Epilogue epi, Pool pool, float[] x, int xOff, float[] y, int yOff, int threads) {
        if (PixelRowsConvMaxPool.suits(conv, epi, pool)) {
            return PixelRowsConvMaxPool.run(conv, epi, pool, x, xOff, y, yOff, threads);
        }
        Conv2d.Params p = conv.params();
        PackedA a = conv.packedSingleGroup();
        StridedConv.Geometry g = new StridedConv.Geometry(p);
        int pooled = pool.oh() * pool.ow();
        AtomicBoolean finite = new AtomicBoolean(true);
        for (int n = 0; n < p.n() && finite.get(); n++) {
            float[] phases = StridedConv.phases(p, g, x, xOff + n * p.c() * p.h() * p.w(), threads);
            int yo = yOff + n * p.outC() * pooled;
            Parallel.forRange(threads, pool.oh(), 1, (o0, o1) -> {
                if (!bands(p, g, a, phases, epi, pool, y, yo, o0, o1)) {
                    finite.set(false);
                }
            });
        }
        return finite.get();
    }

    /** Pool output rows [o0, o1) of one image, band by band; false at the first band holding a NaN or an infinity. */
    private static boolean bands(Conv2d.Params p, StridedConv.Geometry g, PackedA a, float[] phases, Epilogue epi, Pool pool,
                                 float[] y, int yo, int o0, int o1) {
        int ow = p.outW();
        int sh = pool.sh();
        int plane = ((BAND_POOL_ROWS - 1) * sh + pool.kh()) * ow;
        int pooled = pool.oh() * pool.ow();
        float[] band = BAND.get(0, p.outC() * plane);
        // Convolution rows [have0, have1) are in the band, row have0 at its top.
        int have0 = 0;
        int have1 = 0;
        for (int b0 = o0; b0 < o1; b0 += BAND_POOL_ROWS) {
            int b1 = Math.min(o1, b0 + BAND_POOL_ROWS);
            int r0 = Math.max(0, b0 * sh - pool.padTop());
            int r1 = Math.min(p.outH(), (b1 - 1) * sh - pool.padTop() + pool.kh());
            int kept = RowBand.keep(band, p.outC(), plane, ow, have0, have1, r0);
            StridedConv.rows(p, g, a, phases, band, -r0 * ow, plane, epi, r0 + kept, r1);
            have0 = r0;
            have1 = r1;
            // The first band's windows start above the plane (padTop); later bands start at row r0 exactly.
            int padTop = b0 == 0 ? pool.padTop() : 0;
            for (int m = 0; m < p.outC(); m++) {
                int dst = yo + m * pooled;
                if (!MaxPoolStride2.plane(band, m * plane, y, dst + b0 * pool.ow(), pool.kh(), pool.kw(), sh, padTop,
                        pool.padLeft(), r1 - r0, ow, b1 - b0, pool.ow(), dst + b1 * pool.ow())) {
                    return false;
                }
            }
        }
        return true;
    }
}
