package io.ghostflow.kernels;

import io.ghostflow.core.Parallel;

/**
 * MobileNet's whole inverted-residual block (a pointwise expansion, a 3x3 depthwise convolution,
 * the pointwise projection) run band of rows by band of rows: per band of depthwise output rows,
 * the expansion GEMM writes the input rows the band reads, of every expanded channel, into a
 * per-thread buffer, the depthwise reads them from there ({@link DepthwiseRows}) into a second
 * one and the projection GEMM reads that ({@link DepthwisePointwise}'s half). Unfused, the
 * expansion's output (4.8 MB in mobilenet_v2's block 2, 1.8 MB in block 3) goes to memory last
 * touched a run earlier and the depthwise reads it back from there. The first convolution may
 * also be a network's stem that {@link StridedConv} runs (mobilenet_v2's 3 -> 32 channels at
 * stride 2, 1.6 MB, feeding block 1): its rows come from {@link StridedConv#rows}. Consecutive
 * bands share 3 - stride input rows, which stay in the buffer (moved to its top) instead of being
 * recomputed. Every output is the three unfused kernels' (same FMA chains, same epilogues), bit
 * for bit.
 */
public final class ExpandDepthwisePointwise {
    /**
     * Floats of expanded rows per band (768 KiB of a 1 MiB L2; the depthwise band takes at most
     * {@link DepthwisePointwise#BAND_FLOATS}). Fewer, larger GEMM calls won over smaller bands: mobilenet_v2_bn's
     * block 2 0.476 ms per run at 768 KiB, 0.533 at 512, 0.607 at 256, 0.507 at 1 MiB (one JVM each, 300 runs).
     */
    static final int BAND_FLOATS = Integer.getInteger("ghostflow.edp.bandFloats", 196608);
    private static final ScratchFloats EXPANDED = new ScratchFloats(1);
    private static final ScratchFloats DEPTHWISE = new ScratchFloats(1);

    private ExpandDepthwisePointwise() {
    }

    /**
     * Whether ex (with epilogue exEpi) then dw then pw run fused: they form a {@link #block} and the
     * expanded tensor of an image outgrows L2 ({@link DepthwisePointwise#MIN_OUTPUT_FLOATS}).
     */
    public static boolean suits(Conv2d ex, Epilogue exEpi, Conv2d dw, Epilogue dwEpi, Conv2d pw) {
        Conv2d.Params e = ex.params();
        return block(ex, exEpi, dw, dwEpi, pw)
                && (long) e.outC() * e.outH() * e.outW() > DepthwisePointwise.MIN_OUTPUT_FLOATS;
    }

    /**
     * Whether the kernel can run the three: ex a pointwise convolution with packed weights and a
     * register epilogue, or one that {@link StridedConv} runs (a network's stem), producing exactly
     * dw's input, and dw, pw a pair that {@link DepthwisePointwise#pair}s.
     */
    static boolean block(Conv2d ex, Epilogue exEpi, Conv2d dw, Epilogue dwEpi, Conv2d pw) {
        Conv2d.Params e = ex.params();
        Conv2d.Params d = dw.params();
        boolean pointwise = e.isPointwise() && e.groups() == 1 && ex.packedSingleGroup() != null && exEpi.atMostRowBiasClamp();
        return (pointwise || ex.runsStrided(exEpi)) && e.n() == d.n() && e.outC() == d.c() && e.outH() == d.h()
                && e.outW() == d.w() && DepthwisePointwise.pair(dw, dwEpi, pw);
    }

    /** y = pwEpi(pw(dwEpi(dw(exEpi(ex(x)))))) for convolutions that {@link #suits}; y is [N, pw's outC, OH, OW]. */
    public static void run(Conv2d ex, Epilogue exEpi, Conv2d dw, Epilogue dwEpi, Conv2d pw, Epilogue pwEpi, float[] x,
                           float[] y, int threads) {
        run(ex, exEpi, dw, dwEpi, pw, pwEpi, x, y, threads, BAND_FLOATS, DepthwisePointwise.BAND_FLOATS);
    }

    /**
     * {@link #run} for any {@link #block}, with bands of about inputFloats floats of expanded rows
     * and at most outputFloats of depthwise output (at least one row). Image by image: a strided
     * first convolution splits each image into its stride phases first, which all bands read.
     */
    static void run(Conv2d ex, Epilogue exEpi, Conv2d dw, Epilogue dwEpi, Conv2d pw, Epilogue pwEpi, float[] x, float[] y,
                    int threads, int inputFloats, int outputFloats) {
        Conv2d.Params e = ex.params();
        Conv2d.Params d = dw.params();
        int sh = d.strideH();
        int c = d.c();
        // Output rows per band: their input rows (stride apart, plus the window's overhang) within
        // inputFloats, and the depthwise band within outputFloats.
        int byInput = (inputFloats / (c * d.w()) - Math.max(0, 3 - sh)) / sh;
        int byOutput = outputFloats / (c * d.outW());
        int band = DepthwisePointwise.evenBand(d.outH(), Math.max(1, Math.min(d.outH(), Math.min(byInput, byOutput))), 1,
                threads);
        int bands = (d.outH() + band - 1) / band;
        StridedConv.Geometry g = e.isPointwise() ? null : new StridedConv.Geometry(e);
        for (int n = 0; n < d.n(); n++) {
            int image = n;
            float[] phases = g == null ? null : StridedConv.phases(e, g, x, n * e.c() * e.h() * e.w(), threads);
            // One run of consecutive bands per thread, the bands cut to split evenly: the rows two
            // bands share stay in the buffer. On 2 threads mobilenet_v2_bn's blocks 2 - 4 went from
            // 1.70 / 1.65 / 1.57x to 1.81 / 1.82 / 1.87x their 1-thread speed (7, 7 and 3 bands
            // claimed one at a time before).
            Parallel.forRange(threads, bands, 1, (j0, j1) -> bands(ex, exEpi, g, phases, dw, dwEpi, pw, pwEpi, x, y,
                    image, band, j0, j1));
        }
    }

    /**
     * Bands [j0, j1) of image n (output rows from j * band), one thread. The first convolution is
     * pointwise (g null: a GEMM over the input rows) or strided (its rows from the image's phases).
     */
    private static void bands(Conv2d ex, Epilogue exEpi, StridedConv.Geometry g, float[] phases, Conv2d dw, Epilogue dwEpi,
                              Conv2d pw, Epilogue pwEpi, float[] x, float[] y, int n, int band, int j0, int j1) {
        Conv2d.Params e = ex.params();
        Conv2d.Params d = dw.params();
        int h = d.h();
        int w = d.w();
        int c = d.c();
        int k = e.c();
        int oh = d.outH();
        int ow = d.outW();
        int ohw = oh * ow;
        int m = pw.params().outC();
        int sh = d.strideH();
        int plane = ((band - 1) * sh + 3) * w;
        float[] expanded = EXPANDED.get(0, c * plane);
        float[] depthwise = DEPTHWISE.get(0, c * band * ow);
        PackedA exWeights = ex.packedSingleGroup();
        PackedA pwWeights = pw.packedSingleGroup();
        float[] dwWeights = dw.raw();
        Epilogue pwImage = pwEpi.withResidualRowsAhead(n * m);
        // Input rows [have0, have1) are in the buffer, row have0 at its top.
        int have0 = 0;
        int have1 = 0;
        for (int j = j0; j < j1; j++) {
            int r0 = j * band;
            int r1 = Math.min(oh, r0 + band);
            int i0 = Math.max(0, r0 * sh - d.padTop());
            int i1 = Math.min(h, (r1 - 1) * sh - d.padTop() + 3);
            int kept = RowBand.keep(expanded, c, plane, w, have0, have1, i0);
            if (i1 > i0 + kept && g != null) {
                StridedConv.rows(e, g, exWeights, phases, expanded, -i0 * w, plane, exEpi, i0 + kept, i1);
            } else if (i1 > i0 + kept) {
                Gemm.gemm(c, (i1 - i0 - kept) * w, k, 1f, exWeights, x, (n * k * h + i0 + kept) * w, h * w, false, 0f,
                        expanded, kept * w, plane, exEpi, 1);
            }
            have0 = i0;
            have1 = i1;
            DepthwiseRows.rows(d, dwWeights, expanded, 0, plane, i0, dwEpi, r0, r1, depthwise, 0);
            int cols = (r1 - r0) * ow;
            Gemm.gemm(m, cols, c, 1f, pwWeights, depthwise, 0, cols, false, 0f, y, n * m * ohw + r0 * ow, ohw,
                    pwImage.shifted(0, r0 * ow), 1);
        }
    }
}
