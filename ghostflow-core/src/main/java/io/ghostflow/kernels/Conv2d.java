package io.ghostflow.kernels;

import io.ghostflow.core.GhostFlowException;
import io.ghostflow.core.Parallel;
import java.util.function.Supplier;

/**
 * fp32 2-D convolution, NCHW, weights [outC, C / groups, kH, kW] packed once by
 * {@link #prepare} (a Winograd transform on the first run that needs it). Five paths: depthwise (groups == C == outC) runs a dedicated vector kernel;
 * small stride-1 convolutions run direct ({@link DirectConv}); 3x3 stride-1 ones with enough
 * channels run Winograd F(4x4, 3x3) on planes of at least 32 output tiles ({@link Winograd4Conv})
 * and F(2x2, 3x3) on smaller ones ({@link WinogradConv});
 * 1x1 / stride 1 / no padding multiplies the packed weights straight into the input (the input
 * is already the [C, H*W] GEMM operand, no im2col); everything else runs the packed GEMM on an
 * implicit im2col operand ({@link ConvPanels}) that gathers each B panel straight from the image,
 * so the column matrix is never written out. Each group of each image is one GEMM
 * {@code Y_g[outC/g, OH*OW] = W_g[outC/g, C/g*kH*kW] * X_g}.
 *
 * <p>The epilogue is indexed as a [outC, OH*OW] matrix per image: bias per row
 * ({@link Epilogue#withRowBias}, one per output channel) and a residual laid out like the
 * output, [N, outC, OH, OW] ({@link Epilogue#withResidual} with ld = OH*OW).
 */
public final class Conv2d {
    /** Shape and attributes; pads are (top, left, bottom, right) as ONNX orders them per axis. */
    public record Params(int n, int c, int h, int w, int outC, int kH, int kW, int strideH, int strideW,
                         int padTop, int padLeft, int padBottom, int padRight, int dilationH, int dilationW,
                         int groups) {
        public Params {
            if (n < 0 || c <= 0 || h < 0 || w < 0 || outC <= 0 || kH <= 0 || kW <= 0) {
                throw GhostFlowException.invalidArgument("Conv2d: bad sizes " + describe(n, c, h, w, outC, kH, kW));
            }
            if (strideH <= 0 || strideW <= 0 || dilationH <= 0 || dilationW <= 0) {
                throw GhostFlowException.invalidArgument("Conv2d: strides and dilations must be positive");
            }
            if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
                throw GhostFlowException.invalidArgument("Conv2d: pads must be non-negative");
            }
            if (groups <= 0 || c % groups != 0 || outC % groups != 0) {
                throw GhostFlowException.invalidArgument("Conv2d: group " + groups + " must divide C=" + c
                        + " and M=" + outC);
            }
        }

        /** Stride 1, no padding, dilation 1, one group. */
        public static Params simple(int n, int c, int h, int w, int outC, int kH, int kW) {
            return new Params(n, c, h, w, outC, kH, kW, 1, 1, 0, 0, 0, 0, 1, 1, 1);
        }

        private static String describe(int n, int c, int h, int w, int outC, int kH, int kW) {
            return "N=" + n + " C=" + c + " H=" + h + " W=" + w + " M=" + outC + " kernel=" + kH + "x" + kW;
        }

        public int outH() {
            return (h + padTop + padBottom - dilationH * (kH - 1) - 1) / strideH + 1;
        }

        public int outW() {
            return (w + padLeft + padRight - dilationW * (kW - 1) - 1) / strideW + 1;
        }

        /** Multiply-adds of one run (2x this is the FLOP count). */
        public long macs() {
            return (long) n * outC * outH() * outW() * (c / groups) * kH * kW;
        }

        public boolean isDepthwise() {
            return groups == c && groups == outC;
        }

        boolean isPointwise() {
            return kH == 1 && kW == 1 && strideH == 1 && strideW == 1
                    && padTop == 0 && padLeft == 0 && padBottom == 0 && padRight == 0;
        }
    }

    private static final ScratchFloats OUTPUTS = new ScratchFloats(1);

    private final Params p;
    private final PackedA[] packed;
    /** The weights as given: kept for depthwise convolutions. */
    private final float[] rawWeights;
    /** The weights {@link DirectConv#interleave}d, for small convolutions that may run direct (else null). */
    private final float[] directWeights;
    /** Implicit im2col tables, for GEMM convolutions that are neither pointwise nor Winograd. */
    private final ConvPanels panels;
    /** Weights of a 3x3 stride-1 convolution for F(2x2, 3x3) (then {@link #packed} is null), transformed on first use. */
    private final Lazy<WinogradKernel> winograd;
    /** The same weights for F(4x4, 3x3), transformed on the first run whose planes are wide enough. */
    private final Lazy<WinogradKernel> winograd4;
    /** The weights transposed for {@link NarrowPlaneConv} (single-group convolutions), packed on first use. */
    private final Lazy<PackedB> transposed;
    /** The weights transposed whole-K for {@link PixelRowsConv}, packed on first use. */
    private final Lazy<float[]> pixelWeights;
    /** {@link PixelRowsConv}'s offsets for this geometry, made on first use. */
    private final Lazy<PixelRowsConv.Geometry> pixelGeometry;

    private Conv2d(Params p, PackedA[] packed, float[] rawWeights, float[] directWeights, Lazy<WinogradKernel> winograd,
                   Lazy<WinogradKernel> winograd4, Lazy<PackedB> transposed, Lazy<float[]> pixelWeights) {
        this.p = p;
        this.packed = packed;
        this.rawWeights = rawWeights;
        this.directWeights = directWeights;
        this.winograd = winograd;
        this.winograd4 = winograd4;
        this.transposed = transposed;
        this.pixelWeights = pixelWeights;
        this.pixelGeometry = pixelWeights != null ? new Lazy<>(() -> PixelRowsConv.Geometry.of(p)) : null;
        this.panels = p.isDepthwise() || p.isPointwise() || winograd != null ? null : new ConvPanels(p, p.c / p.groups);
    }

    private static final int DIRECT_MAX_WEIGHTS = 1 << 16;
    /** F(4x4, 3x3) for wide planes; {@code -Dghostflow.winograd4=false} keeps F(2x2, 3x3) everywhere. */
    private static final boolean WINOGRAD4 = Boolean.parseBoolean(System.getProperty("ghostflow.winograd4", "true"));

    /**
     * Weights in a second form (a Winograd transform, or transposed for {@link NarrowPlaneConv}),
     * made from the weights kept by reference on the first run that needs it: the input size is
     * not known when a session packs its weights, and it decides between the paths, so a layer
     * pays for the forms it runs only. Transforming both Winograd forms at session creation took
     * over half of resnet18's load time.
     */
    private static final class Lazy<T> {
        private final Supplier<T> make;
        private volatile T value;

        Lazy(Supplier<T> make) {
            this.make = make;
        }

        boolean ready() {
            return value != null;
        }

        T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = make.get();
                        value = v;
                    }
                }
            }
            return v;
        }
    }

    /**
     * Packs weights [outC, C / groups, kH, kW] starting at weights[offset]. The array is kept, by
     * reference, for the forms made on first use (see {@link Lazy}): callers pass a session's
     * constant weights, which never change.
     */
    public static Conv2d prepare(float[] weights, int offset, Params p) {
        int mg = p.outC / p.groups;
        int kg = p.c / p.groups * p.kH * p.kW;
        if (weights.length - offset < (long) p.outC * kg) {
            throw GhostFlowException.shapeMismatch("Conv2d: weights hold " + (weights.length - offset)
                    + " floats, need " + (long) p.outC * kg);
        }
        if (p.isDepthwise()) {
            float[] w = new float[p.outC * kg];
            System.arraycopy(weights, offset, w, 0, w.length);
            return new Conv2d(p, null, w, null, null, null, null, null);
        }
        Lazy<WinogradKernel> winograd = WinogradConv.suits(p)
                ? new Lazy<>(() -> WinogradConv.prepare(weights, offset, p.outC, p.c)) : null;
        Lazy<WinogradKernel> winograd4 = winograd != null && WINOGRAD4
                ? new Lazy<>(() -> Winograd4Conv.prepare(weights, offset, p.outC, p.c)) : null;
        Lazy<PackedB> transposed = p.groups == 1 ? new Lazy<>(() -> NarrowPlaneConv.pack(weights, offset, p)) : null;
        // A strided layer that PixelRowsConv takes (whatever the input size) needs no GEMM packing.
        boolean pixelRowsOnly = (p.strideH > 1 || p.strideW > 1) && PixelRowsConv.suits(p);
        PackedA[] packed = winograd != null || pixelRowsOnly ? null : new PackedA[p.groups];
        for (int g = 0; packed != null && g < p.groups; g++) {
            packed[g] = Gemm.packA(weights, offset + g * mg * kg, mg, kg, false);
        }
        // Small convolutions may run direct (DirectConv.suits decides per input geometry); their weights are a few KB.
        float[] direct = null;
        if (p.groups == 1 && kg <= DirectConv.MAX_DEPTH && (long) p.outC * kg <= DIRECT_MAX_WEIGHTS) {
            direct = DirectConv.interleave(weights, offset, p.outC, kg);
        }
        Lazy<float[]> pixelWeights = p.groups == 1 ? new Lazy<>(() -> PixelRowsConv.pack(weights, offset, p)) : null;
        return new Conv2d(p, packed, null, direct, winograd, winograd4, transposed, pixelWeights);
    }

    public static Conv2d prepare(float[] weights, Params p) {
        return prepare(weights, 0, p);
    }

    /** Which Winograd weights exist yet: [F(2x2, 3x3), F(4x4, 3x3)] (for tests). */
    boolean[] winogradTransformed() {
        return new boolean[] {winograd != null && winograd.ready(), winograd4 != null && winograd4.ready()};
    }

    public Params params() {
        return p;
    }

    /** The weights as given, or null when not kept (see {@link #rawWeights}). */
    float[] raw() {
        return rawWeights;
    }

    /** The whole-K W^T panels of {@link PixelRowsConv#pack} (single-group convolutions, packed on first use), else null. */
    float[] pixelWeights() {
        return pixelWeights == null ? null : pixelWeights.get();
    }

    /** The packed weights of a single-group GEMM convolution, else null (depthwise, Winograd, grouped). */
    PackedA packedSingleGroup() {
        return packed != null && packed.length == 1 ? packed[0] : null;
    }

    /** Whether {@link #run} with epilogue e takes {@link StridedConv} (the checks before it in the same order). */
    boolean runsStrided(Epilogue e) {
        return p.outH() > 0 && p.outW() > 0 && p.n > 0 && !p.isDepthwise() && !(directWeights != null && DirectConv.suits(p))
                && packed != null && !SubsampledPointwise.suits(p) && StridedConv.suits(p, packed[0], e);
    }

    /**
     * The same packed weights for other input geometry (batch, spatial size, strides, pads,
     * dilations): weights depend only on outC, C, groups and the kernel size, so a session packs
     * them once and re-binds them per input shape without copying.
     */
    public Conv2d rebind(Params q) {
        if (q.c != p.c || q.outC != p.outC || q.groups != p.groups || q.kH != p.kH || q.kW != p.kW) {
            throw GhostFlowException.shapeMismatch("Conv2d: weights were packed for C=" + p.c + " M=" + p.outC
                    + " group=" + p.groups + " kernel=" + p.kH + "x" + p.kW + ", not for " + q);
        }
        if (winograd != null && !WinogradConv.suits(q)) {
            throw GhostFlowException.shapeMismatch("Conv2d: weights were transformed for a 3x3 stride-1 convolution, not for "
                    + q);
        }
        if (packed == null && winograd == null && rawWeights == null && !PixelRowsConv.suits(q)) {
            throw GhostFlowException.shapeMismatch("Conv2d: weights were packed for PixelRowsConv, not for " + q);
        }
        return q.equals(p) ? this : new Conv2d(q, packed, rawWeights, directWeights, winograd, winograd4, transposed,
                pixelWeights);
    }

    public void run(float[] x, float[] y, Epilogue epi, int threads) {
        run(x, 0, y, 0, epi, threads);
    }

    /** y[yOff ..] = epi(conv(x[xOff ..])); x is [N, C, H, W] and y is [N, outC, OH, OW]. */
    public void run(float[] x, int xOff, float[] y, int yOff, Epilogue epi, int threads) {
        Epilogue e = epi == null ? Epilogue.NONE : epi;
        int oh = p.outH();
        int ow = p.outW();
        if (oh <= 0 || ow <= 0 || p.n == 0) {
            return;
        }
        if (p.isDepthwise()) {
            DepthwiseConv.run(p, rawWeights, x, xOff, y, yOff, e, threads);
            return;
        }
        if (directWeights != null && DirectConv.suits(p)) {
            DirectConv.run(p, directWeights, x, xOff, y, yOff, e, threads);
            return;
        }
        if (packed != null && SubsampledPointwise.suits(p)) {
            SubsampledPointwise.run(p, packed[0], x, xOff, y, yOff, e, threads);
            return;
        }
        if (pixelWeights != null && PixelRowsConv.suits(p)) {
            PixelRowsConv.run(p, pixelGeometry.get(), pixelWeights.get(), x, xOff, y, yOff, e, threads);
            return;
        }
        if (packed != null && StridedConv.suits(p, packed[0], e)) {
            StridedConv.run(p, packed[0], x, xOff, y, yOff, e, threads);
            return;
        }
        if (transposed != null && NarrowPlaneConv.suits(p)) {
            NarrowPlaneConv.run(p, transposed.get(), x, xOff, y, yOff, e, threads);
            return;
        }
        if (winograd != null) {
            runWinograd(x, xOff, y, yOff, e, threads);
            return;
        }
        int ohw = oh * ow;
        int kg = p.c / p.groups * p.kH * p.kW;
        if (threads <= 1) {
            prefetchOperands(x, xOff);
        }
        if (panels != null && p.groups == 1 && p.n > 1 && ohw < BATCH_FOLD_MAX_OHW) {
            runBatchFolded(x, xOff, y, yOff, e, threads, kg, ohw);
            return;
        }
        // Whole images split over the threads, one thread each: no per-GEMM hand-off and no thin
        // stripes, so a batch scales with the cores better than splitting each image's GEMM. The
        // images left over (batch % threads) run one at a time on all threads.
        int whole = wholeImagesPerThreadCount(threads);
        if (whole > 0) {
            Parallel.forRangeBalanced(threads, whole, (n0, n1) -> images(x, xOff, y, yOff, e, n0, n1, 1));
        }
        if (whole < p.n) {
            images(x, xOff, y, yOff, e, whole, p.n, threads);
        }
    }

    /**
     * The packed weights, then the input, swept into the caches if they fit L2 ({@link Prefetch}):
     * mobilenet_v2_bn's pointwise layers on 14 x 14 and larger planes, which run here. Alone, after
     * 64 MB written elsewhere, 96 -> 576 channels on 14 x 14 took 0.111-0.113 instead of 0.131-0.135 ms,
     * 64 -> 384 0.051-0.053 instead of 0.062 (warm, 1-1.5 us more); the model, alternating with ONNX
     * Runtime as in the peer benchmark, 0.980-0.981 of the time (resnet18, squeezenet1_1 and lenet_bn
     * 0.993-1.000: few of their layers come here). One thread only: on two, the caller's sweep held up
     * the helper and the GEMM split the operands between two L2s anyway (mobilenet_v2_bn 1.017-1.024x
     * the time).
     */
    private void prefetchOperands(float[] x, int xOff) {
        if (packed == null || p.groups != 1) {
            return;
        }
        float[] weights = packed[0].data;
        int input = p.n * p.c * p.h * p.w;
        if (weights.length <= Prefetch.L2_FLOATS) {
            Prefetch.sweep(weights, 0, weights.length);
            if (weights.length + input <= Prefetch.L2_FLOATS) {
                Prefetch.sweep(x, xOff, input);
            }
        }
    }

    /**
     * Images of the batch that go whole to single threads: a multiple of the thread count, so no
     * thread waits at the end for another's last image (a batch of 3 on 2 threads split 2 + 1 ran
     * at two thirds of the cores; 2 + the third split over both runs near all of them).
     */
    private int wholeImagesPerThreadCount(int threads) {
        return threads > 1 ? p.n / threads * threads : 0;
    }

    /**
     * A batch runs Winograd in passes of a few images, so that the transformed tiles of a pass stay
     * near the caches (resnet18's first layers: 6 MB per image; a batch of 6 in one pass ran 1.2x
     * slower per image than one image); with several threads, each takes whole images (no
     * hand-off per phase), and the images left over run on all threads. Every image computes
     * exactly what it computes alone.
     */
    private void runWinograd(float[] x, int xOff, float[] y, int yOff, Epilogue e, int threads) {
        WinogradKernel kernel = winograd4 != null && Winograd4Conv.wideEnough(p) ? winograd4.get() : winograd.get();
        int perPass = kernel.imagesPerPass(p);
        int whole = wholeImagesPerThreadCount(threads);
        if (whole > 0) {
            Parallel.forRangeBalanced(threads, whole, (n0, n1) -> winogradPasses(kernel, x, xOff, y, yOff, e, n0, n1, perPass, 1));
        }
        if (whole < p.n) {
            winogradPasses(kernel, x, xOff, y, yOff, e, whole, p.n, perPass, threads);
        }
    }

    private void winogradPasses(WinogradKernel kernel, float[] x, int xOff, float[] y, int yOff, Epilogue e, int n0,
                                int n1, int perPass, int threads) {
        if (n0 == 0 && n1 == p.n && perPass >= p.n) {
            kernel.run(p, x, xOff, y, yOff, e, threads);
            return;
        }
        int ohw = p.outH() * p.outW();
        for (int n = n0; n < n1; n += perPass) {
            int images = Math.min(perPass, n1 - n);
            Params q = new Params(images, p.c, p.h, p.w, p.outC, p.kH, p.kW, p.strideH, p.strideW, p.padTop, p.padLeft,
                    p.padBottom, p.padRight, p.dilationH, p.dilationW, p.groups);
            Epilogue en = e.withResidualRowsAhead(n * p.outC);
            kernel.run(q, x, xOff + n * p.c * p.h * p.w, y, yOff + n * p.outC * ohw, en, threads);
        }
    }

    private void images(float[] x, int xOff, float[] y, int yOff, Epilogue e, int n0, int n1, int threads) {
        int hw = p.h * p.w;
        int ohw = p.outH() * p.outW();
        int cg = p.c / p.groups;
        int mg = p.outC / p.groups;
        int kg = cg * p.kH * p.kW;
        for (int n = n0; n < n1; n++) {
            // Rows of the per-image output matrix are channels: bias stays, the residual moves by one image.
            Epilogue en = e.withResidualRowsAhead(n * p.outC);
            for (int g = 0; g < p.groups; g++) {
                int xo = xOff + (n * p.c + g * cg) * hw;
                int yo = yOff + (n * p.outC + g * mg) * ohw;
                Epilogue eg = en.shifted(g * mg, 0);
                if (panels == null) {
                    Gemm.gemm(mg, ohw, kg, 1f, packed[g], x, xo, hw, false, 0f, y, yo, ohw, eg, threads);
                } else {
                    Gemm.gemm(mg, ohw, kg, packed[g], panels.over(x, xo, 0, threads), y, yo, ohw, eg, threads);
                }
            }
        }
    }

    /**
     * Below this many output pixels per image, the images of a batch share one GEMM: their
     * im2col columns sit side by side, so the GEMM's N is batch * OH * OW instead of a few dozen
     * (resnet18's last layers have 7 x 7), which keeps the register tiles full. The epilogue
     * then runs per image while copying out, since the residual is laid out per image.
     */
    static final int BATCH_FOLD_MAX_OHW = 1024;

    private void runBatchFolded(float[] x, int xOff, float[] y, int yOff, Epilogue e, int threads, int kg, int ohw) {
        int wide = p.n * ohw;
        float[] out = outputs(p.outC * wide);
        Gemm.gemm(p.outC, wide, kg, packed[0], panels.over(x, xOff, p.c * p.h * p.w, threads), out, 0, wide, Epilogue.NONE,
                threads);
        unfold(p, out, y, yOff, e);
    }

    /**
     * The per-thread buffer a batch-folded GEMM writes [outC, N * OH * OW] to, then {@link #unfold}
     * copies from.
     */
    static float[] foldedOutputs(Params p) {
        return outputs(p.outC * p.n * p.outH() * p.outW());
    }

    /** y[yOff ..] = epi(out) per image, out being a batch-folded GEMM's [outC, N * OH * OW] result. */
    static void unfold(Params p, float[] out, float[] y, int yOff, Epilogue e) {
        int ohw = p.outH() * p.outW();
        int wide = p.n * ohw;
        for (int n = 0; n < p.n; n++) {
            int yo = yOff + n * p.outC * ohw;
            for (int m = 0; m < p.outC; m++) {
                System.arraycopy(out, m * wide + n * ohw, y, yo + m * ohw, ohw);
            }
            Epilogue en = e.withResidualRowsAhead(n * p.outC);
            en.apply(y, yo, ohw, 0, 0, p.outC, ohw);
        }
    }

    private static float[] outputs(int size) {
        return OUTPUTS.get(0, size);
    }
}
