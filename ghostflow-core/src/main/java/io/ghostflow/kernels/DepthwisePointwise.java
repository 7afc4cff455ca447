package io.ghostflow.kernels;

import io.ghostflow.core.Parallel;

/**
 * A 3x3 depthwise convolution followed by the pointwise convolution that alone reads its output
 * (MobileNet's inverted-residual blocks: depthwise then projection), run band of rows by band of
 * rows: the depthwise writes a band of all its channels into a per-thread buffer sized to stay
 * in L2, and the pointwise GEMM reads it from there at once, writing its slice of the output
 * columns. Unfused, the depthwise output (1.2 - 1.8 MB in mobilenet_v2's early blocks) goes out
 * to L3 and the GEMM reads its 16-column strips back from there with one stream per channel,
 * which the prefetchers do not follow: the same projection ran 1.1 - 1.5x faster on an input
 * hot in L2. Every output is the unfused kernels' (same FMA chains, same epilogues), bit for bit.
 */
public final class DepthwisePointwise {
    /** Floats of depthwise output per band (256 KiB: a quarter of a 1 MiB L2, with room for the GEMM's output). */
    static final int BAND_FLOATS = Integer.getInteger("ghostflow.dwpw.bandFloats", 65536);
    /** Depthwise output floats per image (1 MiB, this machine's L2) above which the pair is fused. */
    public static final int MIN_OUTPUT_FLOATS = Integer.getInteger("ghostflow.dwpw.minOutputFloats", 1 << 18);
    private static final ScratchFloats BAND = new ScratchFloats(1);

    private DepthwisePointwise() {
    }

    /**
     * Whether dw (with epilogue dwEpi) then pw run fused: they {@link #pair} and the depthwise
     * output of an image outgrows L2 (mobilenet_v2_bn's blocks 1 - 3; per node, block 1 ran in
     * 0.71 and block 3 in 0.93 of the time of the two convolutions apart, block 2 (stride 2) in 0.997,
     * while the later blocks, whose depthwise outputs fit L2 anyway, ran 0.99 - 1.07).
     */
    public static boolean suits(Conv2d dw, Epilogue dwEpi, Conv2d pw) {
        Conv2d.Params d = dw.params();
        return pair(dw, dwEpi, pw) && (long) d.outC() * d.outH() * d.outW() > MIN_OUTPUT_FLOATS;
    }

    /** Whether the kernel can run the pair: pw 1x1 stride 1 unpadded over exactly dw's output, dw 3x3 with a register epilogue. */
    static boolean pair(Conv2d dw, Epilogue dwEpi, Conv2d pw) {
        Conv2d.Params d = dw.params();
        Conv2d.Params q = pw.params();
        return DepthwiseRows.suits(d, dwEpi) && dw.raw() != null && q.isPointwise() && pw.packedSingleGroup() != null
                && q.n() == d.n() && q.c() == d.outC() && q.h() == d.outH() && q.w() == d.outW();
    }

    /** y = pwEpi(pw(dwEpi(dw(x)))) for convolutions that {@link #pair}; y is [N, pw's outC, OH, OW]. */
    public static void run(Conv2d dw, Epilogue dwEpi, Conv2d pw, Epilogue pwEpi, float[] x, float[] y, int threads) {
        run(dw, dwEpi, pw, pwEpi, x, y, threads, BAND_FLOATS);
    }

    /**
     * Rows per band at most {@code band}, cut so that the n images' bands split evenly over the
     * threads (mobilenet_v2_bn's blocks 1 - 3 had 7 bands of their 112 or 56 rows, 4 of them on one
     * core).
     */
    static int evenBand(int rows, int band, int n, int threads) {
        int bands = (rows + band - 1) / band;
        int even = Parallel.evenItems(threads, n * bands);
        if (even == n * bands || even % n != 0) {
            return band;
        }
        int perImage = even / n;
        return Math.max(1, (rows + perImage - 1) / perImage);
    }

    /** {@link #run} with bands of about bandFloats floats of depthwise output (at least one row). */
    static void run(Conv2d dw, Epilogue dwEpi, Conv2d pw, Epilogue pwEpi, float[] x, float[] y, int threads, int bandFloats) {
        Conv2d.Params d = dw.params();
        int oh = d.outH();
        int ow = d.outW();
        int ohw = oh * ow;
        int c = d.outC();
        int m = pw.params().outC();
        int band = evenBand(oh, Math.max(1, Math.min(oh, bandFloats / (c * ow))), d.n(), threads);
        int bands = (oh + band - 1) / band;
        int imageIn = d.c() * d.h() * d.w();
        PackedA a = pw.packedSingleGroup();
        float[] weights = dw.raw();
        // Bands are independent (disjoint output columns): whole bands per thread, no hand-off inside one.
        Parallel.forRangeBalanced(threads, d.n() * bands, (j0, j1) -> {
            float[] buf = BAND.get(0, c * band * ow);
            for (int j = j0; j < j1; j++) {
                int n = j / bands;
                int r0 = j % bands * band;
                int r1 = Math.min(oh, r0 + band);
                int cols = (r1 - r0) * ow;
                DepthwiseRows.rows(d, weights, x, n * imageIn, dwEpi, r0, r1, buf, 0);
                Epilogue e = pwEpi.withResidualRowsAhead(n * m).shifted(0, r0 * ow);
                Gemm.gemm(m, cols, c, 1f, a, buf, 0, cols, false, 0f, y, n * m * ohw + r0 * ow, ohw, e, 1);
            }
        });
    }
}
