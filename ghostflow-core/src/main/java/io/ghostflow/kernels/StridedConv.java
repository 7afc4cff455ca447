package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.L;
import static io.ghostflow.kernels.GemmBlocking.MR;
import static io.ghostflow.kernels.GemmBlocking.NR;
import static io.ghostflow.kernels.GemmBlocking.S;

import io.ghostflow.core.Parallel;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Direct convolution for strided, shallow convolutions (C * kH * kW at most {@link #MAX_DEPTH},
 * horizontal stride at least 2): the stems of CNNs (3 -> 32 or 64 channels, 3x3 or 7x7, stride 2)
 * and 1x1 stride-2 downsamples. Each image is first split into its stride phases (phase q of a
 * padded row holds its columns q, q + s, q + 2s, .., zeros standing for the padding), so that
 * every tap reads 16 consecutive output columns as two contiguous vectors. Each output row's B
 * panels (16 columns by K taps, the packed GEMM's layout) are then two vector copies per tap from
 * those rows, found through a per-tap offset table, and the packed 4-row micro-kernel runs over
 * them for every 4 output channels; the GEMM path instead gathers its im2col panels from the
 * image, which at K = 27 is as much work as the multiply-adds.
 *
 * <p>Each output is the same FMA chain over the taps, in im2col order, as in the GEMM path, with
 * the same in-register bias and clamp, so results are bit-identical to it (padding taps multiply
 * zeros there too). A row's last 16 columns are computed ending at its last column, overlapping
 * columns already written with the same values.
 */
final class StridedConv {
    /** Deepest im2col column (taps per output) taken: 27 for a 3x3 stem, 147 for a 7x7 one. */
    static final int MAX_DEPTH = 192;

    private static final ScratchFloats PHASES = new ScratchFloats(1);
    /** Per thread: one output row's B panels, 16 columns by K taps each, k-major as the packed GEMM's. */
    private static final ScratchFloats PANEL = new ScratchFloats(1);
    private static final ThreadLocal<int[]> TAPS = ThreadLocal.withInitial(() -> new int[MAX_DEPTH]);

    private StridedConv() {
    }

    /** Whether this kernel runs p with weights a and epilogue epi (bias and ReLU / Clip at most). */
    static boolean suits(Conv2d.Params p, PackedA a, Epilogue epi) {
        return MR == 4 && a != null && !a.blocked && p.groups() == 1 && p.strideW() >= 2 && p.dilationH() == 1
                && p.dilationW() == 1 && p.outC() % MR == 0 && p.outW() >= NR && p.outH() > 0
                && (long) p.c() * p.kH() * p.kW() <= MAX_DEPTH && epi.atMostRowBiasClamp();
    }

    /** y[yOff ..] = epi(conv(x[xOff ..])) for p with {@link #suits}; x is [N, C, H, W], y [N, outC, OH, OW]. */
    static void run(Conv2d.Params p, PackedA a, float[] x, int xOff, float[] y, int yOff, Epilogue epi, int threads) {
        Geometry g = new Geometry(p);
        int oh = p.outH();
        int ohw = oh * p.outW();
        for (int n = 0; n < p.n(); n++) {
            float[] phases = phases(p, g, x, xOff + n * p.c() * p.h() * p.w(), threads);
            int yo = yOff + n * p.outC() * ohw;
            Parallel.forRange(threads, oh, 1, (r0, r1) -> rows(p, g, a, phases, y, yo, ohw, epi, r0, r1));
        }
    }

    /** The stride phases of the image at x[xo], in the calling thread's scratch (read by all threads after). */
    static float[] phases(Conv2d.Params p, Geometry g, float[] x, int xo, int threads) {
        float[] phases = PHASES.get(0, g.imageFloats());
        int rowWork = g.wq() * g.sw();
        // The split is serial work over the whole input: rows of every channel over the threads too (2
        // threads: the 3x3 stems 0.95-0.97 of the time, in one JVM alternating with a serial split; by
        // channel, a 3-channel stem went 2 + 1).
        Parallel.forRange(threads, p.c() * g.hp(), Math.max(1, 16384 / rowWork), (i0, i1) -> split(p, g, x, xo, phases, i0,
                i1));
        return phases;
    }

    /** Sizes of one image's phases: hp padded rows of wq columns per (channel, phase), c * sw of them. */
    record Geometry(int c, int sw, int hp, int wq) {
        Geometry(Conv2d.Params p) {
            this(p.c(), p.strideW(), (p.outH() - 1) * p.strideH() + p.kH(), p.outW() + (p.kW() - 1) / p.strideW());
        }

        int plane(int channel, int q) {
            return (channel * sw + q) * hp * wq;
        }

        int imageFloats() {
            return c * sw * hp * wq;
        }
    }

    /**
     * Output rows [r0, r1) of one image, 4 channels by 16 columns at a time: row oy of channel m at
     * y[yo + m * planeStride + oy * ow] (planeStride is OH * OW for whole planes, less for a band of rows).
     */
    static void rows(Conv2d.Params p, Geometry g, PackedA a, float[] phases, float[] y, int yo, int planeStride,
                     Epilogue epi, int r0, int r1) {
        int k = p.c() * p.kH() * p.kW();
        int ow = p.outW();
        int sw = p.strideW();
        int[] taps = TAPS.get();
        float[] panel = PANEL.get(0, (ow + NR - 1) / NR * k * NR);
        float[] bias = epi.rowBias();
        int biasOff = epi.biasOffset();
        float lo = epi.clampLow();
        float hi = epi.clampHigh();
        for (int oy = r0; oy < r1; oy++) {
            int t = 0;
            for (int c = 0; c < p.c(); c++) {
                for (int ky = 0; ky < p.kH(); ky++) {
                    int row = (oy * p.strideH() + ky) * g.wq();
                    for (int kx = 0; kx < p.kW(); kx++) {
                        taps[t++] = g.plane(c, kx % sw) + row + kx / sw;
                    }
                }
            }
            int chunks = (ow + NR - 1) / NR;
            for (int ch = 0; ch < chunks; ch++) {
                int jj = Math.min(ch * NR, ow - NR);
                int po = ch * k * NR;
                for (int tap = 0; tap < k; tap++) {
                    int src = taps[tap] + jj;
                    FloatVector.fromArray(S, phases, src).intoArray(panel, po + tap * NR);
                    FloatVector.fromArray(S, phases, src + L).intoArray(panel, po + tap * NR + L);
                }
            }
            int out = yo + oy * ow;
            // A last chunk of at most one vector of new columns (ow = 111 or 112): the 8-row tiles take
            // only its second vector, the columns up to the row's end (GemmPairKernel.kernel8HalfSetBiasClamp).
            int rem = ow % NR;
            boolean halfLast = rem > 0 && rem <= L;
            for (int ir = 0; ir < p.outC(); ir += MR) {
                int ao = ir * k;
                // Two 4-channel panels per 8-row tile where both exist (GemmPairKernel): the same bits.
                boolean pair = GemmPairKernel.ENABLED && ir + GemmPairKernel.ROWS <= p.outC();
                for (int ch = 0; ch < chunks; ch++) {
                    int jj = Math.min(ch * NR, ow - NR);
                    if (pair && halfLast && ch == chunks - 1) {
                        GemmPairKernel.kernel8HalfSetBiasClamp(k, a.data, ao, ao + MR * k, panel, ch * k * NR + L, NR, y,
                                out + ir * planeStride + ow - L, planeStride, 1f, bias, biasOff + ir, lo, hi);
                    } else if (pair) {
                        GemmPairKernel.kernel8SetBiasClamp(k, a.data, ao, ao + MR * k, panel, ch * k * NR, y,
                                out + ir * planeStride + jj, planeStride, 1f, bias, biasOff + ir, lo, hi);
                    } else {
                        GemmMicroKernel.kernel4SetBiasClamp(k, a.data, ao, panel, ch * k * NR, y, out + ir * planeStride + jj,
                                planeStride, 1f, bias, biasOff + ir, lo, hi);
                    }
                }
                if (pair) {
                    ir += MR;
                }
            }
        }
    }

    /**
     * Writes padded rows [i0, i1) of one image (x at xo), counted channel by channel (hp per channel),
     * into its stride phases: padded row pr of channel c, phase q, index i holds input (pr - padTop,
     * i * sw + q - padLeft), or 0 outside the image. Rows and phases no tap reads (kernels shorter or
     * narrower than their stride: a padded 1x1 stride-2 convolution reads a quarter of its input) are
     * left as they are.
     */
    private static void split(Conv2d.Params p, Geometry g, float[] x, int xo, float[] phases, int i0, int i1) {
        int sw = p.strideW();
        int sh = p.strideH();
        int usedPhases = Math.min(sw, p.kW());
        int hp = g.hp();
        int wq = g.wq();
        int h = p.h();
        int w = p.w();
        int pl = p.padLeft();
        for (int row = i0; row < i1; row++) {
            int c = row / hp;
            int pr = row % hp;
            if (pr % sh >= p.kH()) {
                continue;
            }
            int r = pr - p.padTop();
            int src = xo + (c * h + r) * w;
            for (int q = 0; q < usedPhases; q++) {
                int dst = g.plane(c, q) + pr * wq;
                if (r < 0 || r >= h) {
                    Arrays.fill(phases, dst, dst + wq, 0f);
                    continue;
                }
                if (sw == 2 && q == 0) {
                    if (usedPhases == 2) {
                        splitPairs(x, src, w, pl, phases, dst, g.plane(c, 1) + pr * wq, wq);
                    } else {
                        Deinterleave.evensOfRow(x, src, w, pl, phases, dst, wq);
                    }
                    break;
                }
                for (int i = 0; i < wq; i++) {
                    int col = i * sw + q - pl;
                    phases[dst + i] = col >= 0 && col < w ? x[src + col] : 0f;
                }
            }
        }
    }

    /**
     * Stride 2: index i of the even and odd phases holds input columns 2i - pl and 2i + 1 - pl;
     * the pairs wholly inside the row go through the vector split, the rest one by one.
     */
    private static void splitPairs(float[] x, int src, int w, int pl, float[] phases, int even, int odd, int wq) {
        int i0 = Math.min(wq, (pl + 1) / 2);
        int i1 = Math.max(i0, Math.min(wq, (w + pl) / 2));
        splitEdge(x, src, w, pl, phases, even, odd, 0, i0);
        Deinterleave.split(x, src + 2 * i0 - pl, i1 - i0, phases, even + i0, phases, odd + i0);
        splitEdge(x, src, w, pl, phases, even, odd, i1, wq);
    }

    private static void splitEdge(float[] x, int src, int w, int pl, float[] phases, int even, int odd, int i0, int i1) {
        for (int i = i0; i < i1; i++) {
            int col = 2 * i - pl;
            phases[even + i] = col >= 0 && col < w ? x[src + col] : 0f;
            phases[odd + i] = col + 1 >= 0 && col + 1 < w ? x[src + col + 1] : 0f;
        }
    }
}
