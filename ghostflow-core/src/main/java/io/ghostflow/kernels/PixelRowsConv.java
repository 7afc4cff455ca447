package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.L;
import static io.ghostflow.kernels.GemmBlocking.NR;
import static io.ghostflow.kernels.GemmBlocking.S;

import io.ghostflow.core.Parallel;
import jdk.incubator.vector.FloatVector;

/**
 * Direct convolution with the output pixels as the GEMM's rows and the output channels as its
 * vector lanes, {@code Y^T[OH*OW, outC] = cols^T * W^T} as in {@link NarrowPlaneConv}, but with no
 * im2col: the micro-kernel broadcasts each tap straight from the input (copied once into a
 * zero-framed image when the convolution pads) for 7 output pixels at a time (every plane of a
 * 224-pixel network, 112 x 112 down to 7 x 7, is a multiple of 7), against two vectors of output
 * channels of the transposed weights, packed whole-K, in a loop over the input channels with the
 * nine taps of a 3 x 3 window written out. The im2col paths spent a fifth of resnet18's stride-2
 * 3 x 3 layers copying taps into panels.
 *
 * <p>Each output is one FMA chain over the taps in im2col order, the same for every image of a
 * batch and any thread count.
 */
final class PixelRowsConv {
    /** Output pixels per register tile. */
    static final int TILE = 7;

    private static final ScratchFloats PADDED = new ScratchFloats(1);
    private static final ScratchFloats RESULT = new ScratchFloats(1);

    private PixelRowsConv() {
    }

    /**
     * Whether this kernel runs p: an undilated 3 x 3 window over more input channels than
     * {@link StridedConv} takes (it runs the stems faster), whole 32-channel panels, 32 vector
     * registers, and a stride or an output plane small enough that Winograd does not run it better.
     * Per layer against the paths before it (one JVM each, weights rotated through 4 copies, 1 thread):
     * resnet18's stride-2 layers 64 -> 128 0.56 against 0.64 ms, 128 -> 256 0.55 against 0.72, 256 ->
     * 512 0.55 against 0.79, its 7 x 7 layers 1.22 against 1.42; Winograd's 14 x 14 and 28 x 28 layers
     * ran 1.15-1.8x faster than this kernel, and StridedConv the 3-channel stems 1.16-1.6x. A 1 x 1
     * variant for the downsamples ran 0.8-1.2x {@link SubsampledPointwise}'s time in the model (slower
     * on 28 x 28 outputs, faster on 7 x 7), and was dropped.
     */
    static boolean suits(Conv2d.Params p) {
        int ohw = p.outH() * p.outW();
        return GemmPairKernel.ENABLED && NR == 2 * L && p.groups() == 1 && p.outC() % NR == 0
                && p.kH() == 3 && p.kW() == 3 && p.dilationH() == 1 && p.dilationW() == 1
                && p.c() * 9 > StridedConv.MAX_DEPTH
                && (p.strideH() > 1 || p.strideW() > 1 || ohw <= NarrowPlaneConv.MAX_PIXELS);
    }

    /** The weights [outC, K] as W^T [K, outC] in whole-K panels of NR output channels. */
    static float[] pack(float[] w, int offset, Conv2d.Params p) {
        int k = p.c() * p.kH() * p.kW();
        float[] packed = new float[p.outC() / NR * k * NR];
        GemmPacking.packB(w, offset, k, true, p.outC(), 0, k, 0, p.outC(), packed, 0, k * NR);
        return packed;
    }

    /** p's zero-framed image size and the offset of each tile pixel's window corner in it. */
    record Geometry(int hp, int wp, boolean framed, int[] pixels) {
        static Geometry of(Conv2d.Params p) {
            boolean framed = p.padTop() + p.padBottom() + p.padLeft() + p.padRight() > 0;
            int hp = p.h() + p.padTop() + p.padBottom();
            int wp = p.w() + p.padLeft() + p.padRight();
            int ohw = p.outH() * p.outW();
            int[] pixels = new int[(ohw + TILE - 1) / TILE * TILE];
            for (int i = 0; i < pixels.length; i++) {
                // pixels past the plane repeat the last one (their rows land in the result's padding)
                int q = Math.min(i, ohw - 1);
                pixels[i] = q / p.outW() * p.strideH() * wp + q % p.outW() * p.strideW();
            }
            return new Geometry(hp, wp, framed, pixels);
        }
    }

    /** y[yOff ..] = epi(conv(x[xOff ..])) for p with {@link #suits}. */
    static void run(Conv2d.Params p, Geometry g, float[] weights, float[] x, int xOff, float[] y, int yOff,
                    Epilogue epi, int threads) {
        int ohw = p.outH() * p.outW();
        int outC = p.outC();
        float[] result = RESULT.get(0, g.pixels().length * outC);
        for (int n = 0; n < p.n(); n++) {
            int xo = xOff + n * p.c() * p.h() * p.w();
            float[] src = x;
            int so = xo;
            if (g.framed()) {
                src = PADDED.get(0, p.c() * g.hp() * g.wp());
                so = 0;
                float[] dst = src;
                // the copy is serial work over the whole input: channels over the threads
                Parallel.forRange(threads, p.c(), Math.max(1, 4096 / (g.hp() * g.wp())),
                        (c0, c1) -> FramedImage.copy(p, x, xo, dst, g.hp(), g.wp(), c0, c1));
            }
            float[] image = src;
            int io = so;
            int yo = yOff + n * outC * ohw;
            int imageIndex = n;
            // Each thread stores the channels it computed (a serial store after held up the second core).
            Parallel.forRange(threads, outC / NR, 1, (q0, q1) -> {
                panels(p, g, weights, image, io, result, q0, q1);
                NarrowPlaneConv.store(p, result, y, yo, epi, imageIndex, q0 * NR, q1 * NR);
            });
        }
    }

    /** Output channel panels [q0, q1) of every pixel tile. */
    private static void panels(Conv2d.Params p, Geometry g, float[] b, float[] x, int xo, float[] result, int q0,
                               int q1) {
        int k = p.c() * 9;
        int outC = p.outC();
        int plane = g.hp() * g.wp();
        int[] px = g.pixels();
        for (int q = q0; q < q1; q++) {
            int bo = q * k * NR;
            for (int i = 0; i < px.length; i += TILE) {
                tile3x3(p.c(), plane, g.wp(), x, xo + px[i], xo + px[i + 1], xo + px[i + 2], xo + px[i + 3],
                        xo + px[i + 4], xo + px[i + 5], xo + px[i + 6], b, bo, result, i * outC + q * NR, outC);
            }
        }
    }

    /**
     * Seven output pixels (their windows' corners at x[p0..p6]) by two vectors of output channels (a
     * whole-K panel of W^T at b[bo]) for an undilated 3 x 3 window: per input channel (planes
     * {@code plane} floats apart, rows {@code row} apart) the nine taps in im2col order, written out
     * so that every index is linear in the channel (the JIT checks the bounds once per call, not per
     * tap). c = the sums, pixel j's at c[co + j * ldc].
     */
    static void tile3x3(int channels, int plane, int row, float[] x, int p0, int p1, int p2, int p3, int p4, int p5,
            int p6, float[] b, int bo, float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        int row2 = 2 * row;
        for (int ch = 0, xc = 0, bp = bo; ch < channels; ch++, xc += plane, bp += 18 * L) {
            int o0 = xc;
            FloatVector b00 = FloatVector.fromArray(S, b, bp + 0 * L);
            FloatVector b01 = FloatVector.fromArray(S, b, bp + 1 * L);
            FloatVector a00 = FloatVector.broadcast(S, x[p0 + o0]);
            c00 = a00.fma(b00, c00);
            c01 = a00.fma(b01, c01);
            FloatVector a01 = FloatVector.broadcast(S, x[p1 + o0]);
            c10 = a01.fma(b00, c10);
            c11 = a01.fma(b01, c11);
            FloatVector a02 = FloatVector.broadcast(S, x[p2 + o0]);
            c20 = a02.fma(b00, c20);
            c21 = a02.fma(b01, c21);
            FloatVector a03 = FloatVector.broadcast(S, x[p3 + o0]);
            c30 = a03.fma(b00, c30);
            c31 = a03.fma(b01, c31);
            FloatVector a04 = FloatVector.broadcast(S, x[p4 + o0]);
            c40 = a04.fma(b00, c40);
            c41 = a04.fma(b01, c41);
            FloatVector a05 = FloatVector.broadcast(S, x[p5 + o0]);
            c50 = a05.fma(b00, c50);
            c51 = a05.fma(b01, c51);
            FloatVector a06 = FloatVector.broadcast(S, x[p6 + o0]);
            c60 = a06.fma(b00, c60);
            c61 = a06.fma(b01, c61);
            int o1 = xc + 1;
            FloatVector b10 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector b11 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector a10 = FloatVector.broadcast(S, x[p0 + o1]);
            c00 = a10.fma(b10, c00);
            c01 = a10.fma(b11, c01);
            FloatVector a11 = FloatVector.broadcast(S, x[p1 + o1]);
            c10 = a11.fma(b10, c10);
            c11 = a11.fma(b11, c11);
            FloatVector a12 = FloatVector.broadcast(S, x[p2 + o1]);
            c20 = a12.fma(b10, c20);
            c21 = a12.fma(b11, c21);
            FloatVector a13 = FloatVector.broadcast(S, x[p3 + o1]);
            c30 = a13.fma(b10, c30);
            c31 = a13.fma(b11, c31);
            FloatVector a14 = FloatVector.broadcast(S, x[p4 + o1]);
            c40 = a14.fma(b10, c40);
            c41 = a14.fma(b11, c41);
            FloatVector a15 = FloatVector.broadcast(S, x[p5 + o1]);
            c50 = a15.fma(b10, c50);
            c51 = a15.fma(b11, c51);
            FloatVector a16 = FloatVector.broadcast(S, x[p6 + o1]);
            c60 = a16.fma(b10, c60);
            c61 = a16.fma(b11, c61);
            int o2 = xc + 2;
            FloatVector b20 = FloatVector.fromArray(S, b, bp + 4 * L);
            FloatVector b21 = FloatVector.fromArray(S, b, bp + 5 * L);
            FloatVector a20 = FloatVector.broadcast(S, x[p0 + o2]);
            c00 = a20.fma(b20, c00);
            c01 = a20.fma(b21, c01);
            FloatVector a21 = FloatVector.broadcast(S, x[p1 + o2]);
            c10 = a21.fma(b20, c10);
            c11 = a21.fma(b21, c11);
            FloatVector a22 = FloatVector.broadcast(S, x[p2 + o2]);
            c20 = a22.fma(b20, c20);
            c21 = a22.fma(b21, c21);
            FloatVector a23 = FloatVector.broadcast(S, x[p3 + o2]);
            c30 = a23.fma(b20, c30);
            c31 = a23.fma(b21, c31);
            FloatVector a24 = FloatVector.broadcast(S, x[p4 + o2]);
            c40 = a24.fma(b20, c40);
            c41 = a24.fma(b21, c41);
            FloatVector a25 = FloatVector.broadcast(S, x[p5 + o2]);
            c50 = a25.fma(b20, c50);
            c51 = a25.fma(b21, c51);
            FloatVector a26 = FloatVector.broadcast(S, x[p6 + o2]);
            c60 = a26.fma(b20, c60);
            c61 = a26.fma(b21, c61);
            int o3 = xc + row;
            FloatVector b30 = FloatVector.fromArray(S, b, bp + 6 * L);
            FloatVector b31 = FloatVector.fromArray(S, b, bp + 7 * L);
            FloatVector a30 = FloatVector.broadcast(S, x[p0 + o3]);
            c00 = a30.fma(b30, c00);
            c01 = a30.fma(b31, c01);
            FloatVector a31 = FloatVector.broadcast(S, x[p1 + o3]);
            c10 = a31.fma(b30, c10);
            c11 = a31.fma(b31, c11);
            FloatVector a32 = FloatVector.broadcast(S, x[p2 + o3]);
            c20 = a32.fma(b30, c20);
            c21 = a32.fma(b31, c21);
            FloatVector a33 = FloatVector.broadcast(S, x[p3 + o3]);
            c30 = a33.fma(b30, c30);
            c31 = a33.fma(b31, c31);
            FloatVector a34 = FloatVector.broadcast(S, x[p4 + o3]);
            c40 = a34.fma(b30, c40);
            c41 = a34.fma(b31, c41);
            FloatVector a35 = FloatVector.broadcast(S, x[p5 + o3]);
            c50 = a35.fma(b30, c50);
            c51 = a35.fma(b31, c51);
            FloatVector a36 = FloatVector.broadcast(S, x[p6 + o3]);
            c60 = a36.fma(b30, c60);
            c61 = a36.fma(b31, c61);
            int o4 = xc + row + 1;
            FloatVector b40 = FloatVector.fromArray(S, b, bp + 8 * L);
            FloatVector b41 = FloatVector.fromArray(S, b, bp + 9 * L);
            FloatVector a40 = FloatVector.broadcast(S, x[p0 + o4]);
            c00 = a40.fma(b40, c00);
            c01 = a40.fma(b41, c01);
            FloatVector a41 = FloatVector.broadcast(S, x[p1 + o4]);
            c10 = a41.fma(b40, c10);
            c11 = a41.fma(b41, c11);
            FloatVector a42 = FloatVector.broadcast(S, x[p2 + o4]);
            c20 = a42.fma(b40, c20);
            c21 = a42.fma(b41, c21);
            FloatVector a43 = FloatVector.broadcast(S, x[p3 + o4]);
            c30 = a43.fma(b40, c30);
            c31 = a43.fma(b41, c31);
            FloatVector a44 = FloatVector.broadcast(S, x[p4 + o4]);
            c40 = a44.fma(b40, c40);
            c41 = a44.fma(b41, c41);
            FloatVector a45 = FloatVector.broadcast(S, x[p5 + o4]);
            c50 = a45.fma(b40, c50);
            c51 = a45.fma(b41, c51);
            FloatVector a46 = FloatVector.broadcast(S, x[p6 + o4]);
            c60 = a46.fma(b40, c60);
            c61 = a46.fma(b41, c61);
            int o5 = xc + row + 2;
            FloatVector b50 = FloatVector.fromArray(S, b, bp + 10 * L);
            FloatVector b51 = FloatVector.fromArray(S, b, bp + 11 * L);
            FloatVector a50 = FloatVector.broadcast(S, x[p0 + o5]);
            c00 = a50.fma(b50, c00);
            c01 = a50.fma(b51, c01);
            FloatVector a51 = FloatVector.broadcast(S, x[p1 + o5]);
            c10 = a51.fma(b50, c10);
            c11 = a51.fma(b51, c11);
            FloatVector a52 = FloatVector.broadcast(S, x[p2 + o5]);
            c20 = a52.fma(b50, c20);
            c21 = a52.fma(b51, c21);
            FloatVector a53 = FloatVector.broadcast(S, x[p3 + o5]);
            c30 = a53.fma(b50, c30);
            c31 = a53.fma(b51, c31);
            FloatVector a54 = FloatVector.broadcast(S, x[p4 + o5]);
            c40 = a54.fma(b50, c40);
            c41 = a54.fma(b51, c41);
            FloatVector a55 = FloatVector.broadcast(S, x[p5 + o5]);
            c50 = a55.fma(b50, c50);
            c51 = a55.fma(b51, c51);
            FloatVector a56 = FloatVector.broadcast(S, x[p6 + o5]);
            c60 = a56.fma(b50, c60);
            c61 = a56.fma(b51, c61);
            int o6 = xc + row2;
            FloatVector b60 = FloatVector.fromArray(S, b, bp + 12 * L);
            FloatVector b61 = FloatVector.fromArray(S, b, bp + 13 * L);
            FloatVector a60 = FloatVector.broadcast(S, x[p0 + o6]);
            c00 = a60.fma(b60, c00);
            c01 = a60.fma(b61, c01);
            FloatVector a61 = FloatVector.broadcast(S, x[p1 + o6]);
            c10 = a61.fma(b60, c10);
            c11 = a61.fma(b61, c11);
            FloatVector a62 = FloatVector.broadcast(S, x[p2 + o6]);
            c20 = a62.fma(b60, c20);
            c21 = a62.fma(b61, c21);
            FloatVector a63 = FloatVector.broadcast(S, x[p3 + o6]);
            c30 = a63.fma(b60, c30);
            c31 = a63.fma(b61, c31);
            FloatVector a64 = FloatVector.broadcast(S, x[p4 + o6]);
            c40 = a64.fma(b60, c40);
            c41 = a64.fma(b61, c41);
            FloatVector a65 = FloatVector.broadcast(S, x[p5 + o6]);
            c50 = a65.fma(b60, c50);
            c51 = a65.fma(b61, c51);
            FloatVector a66 = FloatVector.broadcast(S, x[p6 + o6]);
            c60 = a66.fma(b60, c60);
            c61 = a66.fma(b61, c61);
            int o7 = xc + row2 + 1;
            FloatVector b70 = FloatVector.fromArray(S, b, bp + 14 * L);
            FloatVector b71 = FloatVector.fromArray(S, b, bp + 15 * L);
            FloatVector a70 = FloatVector.broadcast(S, x[p0 + o7]);
            c00 = a70.fma(b70, c00);
            c01 = a70.fma(b71, c01);
            FloatVector a71 = FloatVector.broadcast(S, x[p1 + o7]);
            c10 = a71.fma(b70, c10);
            c11 = a71.fma(b71, c11);
            FloatVector a72 = FloatVector.broadcast(S, x[p2 + o7]);
            c20 = a72.fma(b70, c20);
            c21 = a72.fma(b71, c21);
            FloatVector a73 = FloatVector.broadcast(S, x[p3 + o7]);
            c30 = a73.fma(b70, c30);
            c31 = a73.fma(b71, c31);
            FloatVector a74 = FloatVector.broadcast(S, x[p4 + o7]);
            c40 = a74.fma(b70, c40);
            c41 = a74.fma(b71, c41);
            FloatVector a75 = FloatVector.broadcast(S, x[p5 + o7]);
            c50 = a75.fma(b70, c50);
            c51 = a75.fma(b71, c51);
            FloatVector a76 = FloatVector.broadcast(S, x[p6 + o7]);
            c60 = a76.fma(b70, c60);
            c61 = a76.fma(b71, c61);
            int o8 = xc + row2 + 2;
            FloatVector b80 = FloatVector.fromArray(S, b, bp + 16 * L);
            FloatVector b81 = FloatVector.fromArray(S, b, bp + 17 * L);
            FloatVector a80 = FloatVector.broadcast(S, x[p0 + o8]);
            c00 = a80.fma(b80, c00);
            c01 = a80.fma(b81, c01);
            FloatVector a81 = FloatVector.broadcast(S, x[p1 + o8]);
            c10 = a81.fma(b80, c10);
            c11 = a81.fma(b81, c11);
            FloatVector a82 = FloatVector.broadcast(S, x[p2 + o8]);
            c20 = a82.fma(b80, c20);
            c21 = a82.fma(b81, c21);
            FloatVector a83 = FloatVector.broadcast(S, x[p3 + o8]);
            c30 = a83.fma(b80, c30);
            c31 = a83.fma(b81, c31);
            FloatVector a84 = FloatVector.broadcast(S, x[p4 + o8]);
            c40 = a84.fma(b80, c40);
            c41 = a84.fma(b81, c41);
            FloatVector a85 = FloatVector.broadcast(S, x[p5 + o8]);
            c50 = a85.fma(b80, c50);
            c51 = a85.fma(b81, c51);
            FloatVector a86 = FloatVector.broadcast(S, x[p6 + o8]);
            c60 = a86.fma(b80, c60);
            c61 = a86.fma(b81, c61);
        }
        c00.intoArray(c, co + 0 * ldc);
        c01.intoArray(c, co + 0 * ldc + L);
        c10.intoArray(c, co + 1 * ldc);
        c11.intoArray(c, co + 1 * ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
        c60.intoArray(c, co + 6 * ldc);
        c61.intoArray(c, co + 6 * ldc + L);
    }
}
