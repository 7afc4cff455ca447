package io.ghostflow.kernels;

import io.ghostflow.core.Parallel;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct convolution for small stride-1 convolutions (LeNet-sized: a few channels, output rows of
 * at most 4 vectors): each output row is accumulated in vectors along OW, tap by tap, from a
 * zero-padded copy of the image, for several output channels at once (8 accumulators: 2 channels
 * x 4 vectors, or 4 channels x 2 vectors when the rows are at most 2 vectors wide, those over
 * all rows as one flat run, see {@link #quad}; 8 channels x 2 vectors with 32 vector registers,
 * {@link #octet}). For such
 * shapes the packed GEMM spends more time gathering its im2col panels than multiplying. Every
 * output element is one FMA chain over (c, kh, kw) in order, so the result does not depend on
 * the batch size or the thread count. The weights are {@link #interleave}d once, when the
 * convolution is prepared.
 */
final class DirectConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Output rows up to this many vectors wide. */
    private static final int MAX_VECTORS = 4;
    /** Taps per output element (C * kH * kW) at most. */
    static final int MAX_DEPTH = 512;
    /** Slot 0: the padded image; slot 1: one output row per channel of a group. */
    private static final ScratchFloats SCRATCH = new ScratchFloats(2);
    /** Per thread: the padded-image offset of each tap (at most MAX_DEPTH). */
    private static final ThreadLocal<int[]> OFFSETS = ThreadLocal.withInitial(() -> new int[MAX_DEPTH]);

    private DirectConv() {
    }

    /**
     * Channels whose weights sit side by side per tap, and per pass over the taps of a flat run: 8
     * where there are 32 vector registers (16 accumulators, see {@link #octet}), else 4.
     */
    static final int G = L >= 16 ? 8 : 4;

    /**
     * Weights [outC, taps] (from w[offset]) as [ceil(outC / G)][taps][G]: the G channels of a
     * group side by side per tap, zeros past outC. The tap loops then read every weight through
     * one base and one index: with four separate channel bases C2 kept the bases and the image
     * on the stack and reloaded them every tap (34 instructions per 8 FMAs in the tap loop, now
     * 28; LeNet's 6 -> 16 5 x 5 layer ran 0.81x of the time this way in isolation, median of
     * run-by-run pairs, and 0.88x in the model).
     */
    static float[] interleave(float[] w, int offset, int outC, int taps) {
        int groups = (outC + G - 1) / G;
        float[] q = new float[groups * taps * G];
        for (int m = 0; m < outC; m++) {
            int to = weightBase(m, taps);
            for (int t = 0; t < taps; t++) {
                q[to + G * t] = w[offset + m * taps + t];
            }
        }
        return q;
    }

    /** Index of channel m's first tap in the {@link #interleave}d weights (tap t is G * t further on). */
    private static int weightBase(int m, int taps) {
        return m / G * taps * G + m % G;
    }

    /** Whether {@code p} is small enough, and simple enough, for this kernel. */
    static boolean suits(Conv2d.Params p) {
        int ow = p.outW();
        return p.groups() == 1 && p.strideH() == 1 && p.strideW() == 1 && p.dilationH() == 1 && p.dilationW() == 1
                && ow <= MAX_VECTORS * L && (long) p.c() * p.kH() * p.kW() <= MAX_DEPTH
                && p.macs() / Math.max(1, p.n()) <= 1L << 20;
    }

    /** y = epi(conv(x)) with weights w [outC, C, kH, kW] {@link #interleave}d. */
    static void run(Conv2d.Params p, float[] w, float[] x, int xOff, float[] y, int yOff, Epilogue epi, int threads) {
        int group = quads(p) ? G : 2;
        // Flat runs add the bias and clamp before their store (the separate epilogue pass over the
        // output was an eighth of LeNet's samples; whole lenet_bn 0.962-0.965 of the time, median of
        // 200 paired blocks in one JVM); other epilogues run after, over the output.
        boolean fused = group != 2 && epi.fitsRowBiasClamp();
        Epilogue inFlatRuns = fused ? epi : Epilogue.NONE;
        int groups = (p.outC() + group - 1) / group;
        int work = p.n() * groups;
        long macsPerGroup = (long) group * p.outH() * p.outW() * p.c() * p.kH() * p.kW();
        Parallel.forRange(threads, work, (int) Math.max(1, 65536 / Math.max(1, macsPerGroup)), (s, e) -> {
            int lastImage = -1;
            float[] pad = null;
            for (int item = s; item < e; item++) {
                int n = item / groups;
                if (n != lastImage) {
                    pad = padded(p, x, xOff + n * p.c() * p.h() * p.w());
                    lastImage = n;
                }
                int m0 = (item % groups) * group;
                int yo = yOff + n * p.outC() * p.outH() * p.outW();
                if (group == 8 && p.outC() - m0 > 4) {
                    octet(p, w, pad, y, yo, m0, inFlatRuns);
                } else if (group != 2) {
                    // a last group of at most four channels: half the multiply-adds of an octet
                    quad(p, w, pad, y, yo, m0, inFlatRuns);
                } else {
                    pair(p, w, pad, y, yo, m0);
                }
            }
        });
        int ohw = p.outH() * p.outW();
        if (!epi.isIdentity() && !fused) {
            for (int n = 0; n < p.n(); n++) {
                Epilogue en = epi.withResidualRowsAhead(n * p.outC());
                en.apply(y, yOff + n * p.outC() * ohw, ohw, 0, 0, p.outC(), ohw);
            }
        }
    }

    /** Whether p runs in quads (output rows of at most two vectors, laid out flat: see {@link #quad}). */
    private static boolean quads(Conv2d.Params p) {
        return p.outW() <= 2 * L;
    }

    /**
     * Rows of the padded image, all zero outside the image: for quads exactly W + pads (the rows
     * follow each other as one flat run), else W + pads + one vector of over-read.
     */
    private static int paddedWidth(Conv2d.Params p) {
        if (quads(p)) {
            return p.padLeft() + p.w() + p.padRight();
        }
        return Math.max(p.padLeft() + p.w() + p.padRight(), MAX_VECTORS * L + p.kW() - 1) + L;
    }

    private static float[] padded(Conv2d.Params p, float[] x, int xo) {
        int pw = paddedWidth(p);
        int ph = p.padTop() + p.h() + p.padBottom();
        // quads read up to two vectors past the last row (outputs that are dropped)
        int size = p.c() * ph * pw + (quads(p) ? 2 * L : 0);
        float[] pad = SCRATCH.get(0, size);
        FramedImage.copy(p, x, xo, pad, ph, pw, 0, p.c());
        Arrays.fill(pad, p.c() * ph * pw, size, 0f);
        return pad;
    }

    /**
     * Offset in the padded image of tap t = (c, i, j) for output row 0, column 0: the taps run as
     * one flat loop (a 5-long innermost loop over j ran 1.5-2x slower under C2).
     */
    private static int[] tapOffsets(Conv2d.Params p, int pw, int ph) {
        int[] offs = OFFSETS.get();
        int t = 0;
        for (int c = 0; c < p.c(); c++) {
            for (int i = 0; i < p.kH(); i++) {
                for (int j = 0; j < p.kW(); j++) {
                    offs[t++] = (c * ph + i) * pw + j;
                }
            }
        }
        return offs;
    }

    /** Channel m's bias in epi, 0 without one or if the channel does not exist (live <= 0). */
    private static float channelBias(Epilogue epi, int m, int live) {
        float[] bias = epi.rowBias();
        return bias == null || live <= 0 ? 0f : bias[epi.biasOffset() + m];
    }

    /** Output channels m0 and m0 + 1 (if it exists) of one image, all rows. */
    private static void pair(Conv2d.Params p, float[] w, float[] pad, float[] y, int yo, int m0) {
        int pw = paddedWidth(p);
        int ph = p.padTop() + p.h() + p.padBottom();
        int oh = p.outH();
        int ow = p.outW();
        int kh = p.kH();
        int kw = p.kW();
        int taps = p.c() * kh * kw;
        boolean second = m0 + 1 < p.outC();
        // m0 is even: the pair is lanes 0, 1 or 2, 3 of its group (a missing second channel reads zeros)
        int w0 = weightBase(m0, taps);
        float[] row = SCRATCH.get(1, 2 * MAX_VECTORS * L);
        int[] offs = tapOffsets(p, pw, ph);
        for (int oy = 0; oy < oh; oy++) {
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
            FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S), b3 = FloatVector.zero(S);
            int rowBase = oy * pw;
            for (int t = 0, wt = w0; t < taps; t++, wt += G) {
                int at = rowBase + offs[t];
                FloatVector x0 = FloatVector.fromArray(S, pad, at);
                FloatVector x1 = FloatVector.fromArray(S, pad, at + L);
                FloatVector x2 = FloatVector.fromArray(S, pad, at + 2 * L);
                FloatVector x3 = FloatVector.fromArray(S, pad, at + 3 * L);
                FloatVector u = FloatVector.broadcast(S, w[wt]);
                FloatVector v = FloatVector.broadcast(S, w[wt + 1]);
                a0 = u.fma(x0, a0);
                a1 = u.fma(x1, a1);
                a2 = u.fma(x2, a2);
                a3 = u.fma(x3, a3);
                b0 = v.fma(x0, b0);
                b1 = v.fma(x1, b1);
                b2 = v.fma(x2, b2);
                b3 = v.fma(x3, b3);
            }
            a0.intoArray(row, 0);
            a1.intoArray(row, L);
            a2.intoArray(row, 2 * L);
            a3.intoArray(row, 3 * L);
            b0.intoArray(row, 4 * L);
            b1.intoArray(row, 5 * L);
            b2.intoArray(row, 6 * L);
            b3.intoArray(row, 7 * L);
            System.arraycopy(row, 0, y, yo + (m0 * oh + oy) * ow, ow);
            if (second) {
                System.arraycopy(row, 4 * L, y, yo + ((m0 + 1) * oh + oy) * ow, ow);
            }
        }
    }

    /**
     * Output channels m0 .. m0 + 3 (those that exist) of one image whose output rows are at most 2
     * vectors wide, computed flat: with the padded rows exactly W + pads apart, output (oy, ox) is
     * position oy * pw + ox of one run over all rows, whose positions ox >= OW are dropped. Two
     * vectors then cover 16 positions of the run instead of one row (LeNet's 10-wide rows: 9
     * passes over the taps instead of 10). Each output is the same FMA chain as per row. An
     * epilogue that {@link Epilogue#fitsRowBiasClamp} is applied to the sums before they are
     * stored, as the GEMM's register tiles do (sum + bias, then the clamp); {@link Epilogue#NONE}
     * stores the plain sums.
     */
    private static void quad(Conv2d.Params p, float[] w, float[] pad, float[] y, int yo, int m0, Epilogue epi) {
        int pw = paddedWidth(p);
        int ph = p.padTop() + p.h() + p.padBottom();
        int oh = p.outH();
        int ow = p.outW();
        int taps = p.c() * p.kH() * p.kW();
        int live = Math.min(4, p.outC() - m0);
        int span = (oh - 1) * pw + ow;
        int stride = span + 2 * L;
        // Missing channels (past outC) have zero weights; their rows are not stored.
        int w0 = weightBase(m0, taps);
        float[] flat = SCRATCH.get(1, 4 * stride);
        int[] offs = tapOffsets(p, pw, ph);
        boolean clamp = !epi.isIdentity();
        // Bias per channel (0 for missing channels and without a bias), clamp bounds as vectors
        // (the scalar-argument blend overloads have reached the Vector API's Java fallback in C2).
        FloatVector ba = FloatVector.broadcast(S, channelBias(epi, m0, live));
        FloatVector bb = FloatVector.broadcast(S, channelBias(epi, m0 + 1, live - 1));
        FloatVector bc = FloatVector.broadcast(S, channelBias(epi, m0 + 2, live - 2));
        FloatVector bd = FloatVector.broadcast(S, channelBias(epi, m0 + 3, live - 3));
        FloatVector lo = FloatVector.broadcast(S, epi.clampLow());
        FloatVector hi = FloatVector.broadcast(S, epi.clampHigh());
        for (int q0 = 0; q0 < span; q0 += 2 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), b0 = FloatVector.zero(S), b1 = FloatVector.zero(S);
            FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), d0 = FloatVector.zero(S), d1 = FloatVector.zero(S);
            for (int t = 0, wt = w0; t < taps; t++, wt += G) {
                int at = q0 + offs[t];
                FloatVector x0 = FloatVector.fromArray(S, pad, at);
                FloatVector x1 = FloatVector.fromArray(S, pad, at + L);
                FloatVector u = FloatVector.broadcast(S, w[wt]);
                a0 = u.fma(x0, a0);
                a1 = u.fma(x1, a1);
                FloatVector v = FloatVector.broadcast(S, w[wt + 1]);
                b0 = v.fma(x0, b0);
                b1 = v.fma(x1, b1);
                FloatVector q = FloatVector.broadcast(S, w[wt + 2]);
                c0 = q.fma(x0, c0);
                c1 = q.fma(x1, c1);
                FloatVector z = FloatVector.broadcast(S, w[wt + 3]);
                d0 = z.fma(x0, d0);
                d1 = z.fma(x1, d1);
            }
            if (clamp) {
                a0 = a0.add(ba);
                a1 = a1.add(ba);
                b0 = b0.add(bb);
                b1 = b1.add(bb);
                c0 = c0.add(bc);
                c1 = c1.add(bc);
                d0 = d0.add(bd);
                d1 = d1.add(bd);
                a0 = a0.blend(lo, a0.compare(VectorOperators.LT, lo)).blend(hi, a0.compare(VectorOperators.GT, hi));
                a1 = a1.blend(lo, a1.compare(VectorOperators.LT, lo)).blend(hi, a1.compare(VectorOperators.GT, hi));
                b0 = b0.blend(lo, b0.compare(VectorOperators.LT, lo)).blend(hi, b0.compare(VectorOperators.GT, hi));
                b1 = b1.blend(lo, b1.compare(VectorOperators.LT, lo)).blend(hi, b1.compare(VectorOperators.GT, hi));
                c0 = c0.blend(lo, c0.compare(VectorOperators.LT, lo)).blend(hi, c0.compare(VectorOperators.GT, hi));
                c1 = c1.blend(lo, c1.compare(VectorOperators.LT, lo)).blend(hi, c1.compare(VectorOperators.GT, hi));
                d0 = d0.blend(lo, d0.compare(VectorOperators.LT, lo)).blend(hi, d0.compare(VectorOperators.GT, hi));
                d1 = d1.blend(lo, d1.compare(VectorOperators.LT, lo)).blend(hi, d1.compare(VectorOperators.GT, hi));
            }
            a0.intoArray(flat, q0);
            a1.intoArray(flat, q0 + L);
            b0.intoArray(flat, stride + q0);
            b1.intoArray(flat, stride + q0 + L);
            c0.intoArray(flat, 2 * stride + q0);
            c1.intoArray(flat, 2 * stride + q0 + L);
            d0.intoArray(flat, 3 * stride + q0);
            d1.intoArray(flat, 3 * stride + q0 + L);
        }
        copyOut(flat, stride, pw, y, yo + m0 * oh * ow, live, oh, ow);
    }

    /**
     * {@link #quad} for eight channels m0 .. m0 + 7 (those that exist): 16 accumulators, which need
     * 32 vector registers. Per tap two loads of the run serve 16 multiply-adds instead of 8, so
     * the loop's index and load work is spread over twice the FMAs: whole lenet_bn 0.814 of the
     * time against two quads (AVX-512, median of 200 paired blocks in one JVM, twice). Each output
     * is the same FMA chain as in {@link #quad}.
     */
    private static void octet(Conv2d.Params p, float[] w, float[] pad, float[] y, int yo, int m0, Epilogue epi) {
        int pw = paddedWidth(p);
        int ph = p.padTop() + p.h() + p.padBottom();
        int oh = p.outH();
        int ow = p.outW();
        int taps = p.c() * p.kH() * p.kW();
        int live = Math.min(8, p.outC() - m0);
        int span = (oh - 1) * pw + ow;
        int stride = span + 2 * L;
        int w0 = weightBase(m0, taps);
        float[] flat = SCRATCH.get(1, 8 * stride);
        int[] offs = tapOffsets(p, pw, ph);
        boolean clamp = !epi.isIdentity();
        FloatVector ba = FloatVector.broadcast(S, channelBias(epi, m0 + 0, live - 0));
        FloatVector bb = FloatVector.broadcast(S, channelBias(epi, m0 + 1, live - 1));
        FloatVector bc = FloatVector.broadcast(S, channelBias(epi, m0 + 2, live - 2));
        FloatVector bd = FloatVector.broadcast(S, channelBias(epi, m0 + 3, live - 3));
        FloatVector be = FloatVector.broadcast(S, channelBias(epi, m0 + 4, live - 4));
        FloatVector bf = FloatVector.broadcast(S, channelBias(epi, m0 + 5, live - 5));
        FloatVector bg = FloatVector.broadcast(S, channelBias(epi, m0 + 6, live - 6));
        FloatVector bh = FloatVector.broadcast(S, channelBias(epi, m0 + 7, live - 7));
        FloatVector lo = FloatVector.broadcast(S, epi.clampLow());
        FloatVector hi = FloatVector.broadcast(S, epi.clampHigh());
        for (int q0 = 0; q0 < span; q0 += 2 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
            FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S);
            FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
            FloatVector d0 = FloatVector.zero(S), d1 = FloatVector.zero(S);
            FloatVector e0 = FloatVector.zero(S), e1 = FloatVector.zero(S);
            FloatVector f0 = FloatVector.zero(S), f1 = FloatVector.zero(S);
            FloatVector g0 = FloatVector.zero(S), g1 = FloatVector.zero(S);
            FloatVector h0 = FloatVector.zero(S), h1 = FloatVector.zero(S);
            for (int t = 0, wt = w0; t < taps; t++, wt += G) {
                int at = q0 + offs[t];
                FloatVector x0 = FloatVector.fromArray(S, pad, at);
                FloatVector x1 = FloatVector.fromArray(S, pad, at + L);
                FloatVector wa = FloatVector.broadcast(S, w[wt + 0]);
                a0 = wa.fma(x0, a0);
                a1 = wa.fma(x1, a1);
                FloatVector wb = FloatVector.broadcast(S, w[wt + 1]);
                b0 = wb.fma(x0, b0);
                b1 = wb.fma(x1, b1);
                FloatVector wc = FloatVector.broadcast(S, w[wt + 2]);
                c0 = wc.fma(x0, c0);
                c1 = wc.fma(x1, c1);
                FloatVector wd = FloatVector.broadcast(S, w[wt + 3]);
                d0 = wd.fma(x0, d0);
                d1 = wd.fma(x1, d1);
                FloatVector we = FloatVector.broadcast(S, w[wt + 4]);
                e0 = we.fma(x0, e0);
                e1 = we.fma(x1, e1);
                FloatVector wf = FloatVector.broadcast(S, w[wt + 5]);
                f0 = wf.fma(x0, f0);
                f1 = wf.fma(x1, f1);
                FloatVector wg = FloatVector.broadcast(S, w[wt + 6]);
                g0 = wg.fma(x0, g0);
                g1 = wg.fma(x1, g1);
                FloatVector wh = FloatVector.broadcast(S, w[wt + 7]);
                h0 = wh.fma(x0, h0);
                h1 = wh.fma(x1, h1);
            }
            if (clamp) {
                a0 = a0.add(ba);
                a1 = a1.add(ba);
                b0 = b0.add(bb);
                b1 = b1.add(bb);
                c0 = c0.add(bc);
                c1 = c1.add(bc);
                d0 = d0.add(bd);
                d1 = d1.add(bd);
                e0 = e0.add(be);
                e1 = e1.add(be);
                f0 = f0.add(bf);
                f1 = f1.add(bf);
                g0 = g0.add(bg);
                g1 = g1.add(bg);
                h0 = h0.add(bh);
                h1 = h1.add(bh);
                a0 = a0.blend(lo, a0.compare(VectorOperators.LT, lo)).blend(hi, a0.compare(VectorOperators.GT, hi));
                a1 = a1.blend(lo, a1.compare(VectorOperators.LT, lo)).blend(hi, a1.compare(VectorOperators.GT, hi));
                b0 = b0.blend(lo, b0.compare(VectorOperators.LT, lo)).blend(hi, b0.compare(VectorOperators.GT, hi));
                b1 = b1.blend(lo, b1.compare(VectorOperators.LT, lo)).blend(hi, b1.compare(VectorOperators.GT, hi));
                c0 = c0.blend(lo, c0.compare(VectorOperators.LT, lo)).blend(hi, c0.compare(VectorOperators.GT, hi));
                c1 = c1.blend(lo, c1.compare(VectorOperators.LT, lo)).blend(hi, c1.compare(VectorOperators.GT, hi));
                d0 = d0.blend(lo, d0.compare(VectorOperators.LT, lo)).blend(hi, d0.compare(VectorOperators.GT, hi));
                d1 = d1.blend(lo, d1.compare(VectorOperators.LT, lo)).blend(hi, d1.compare(VectorOperators.GT, hi));
                e0 = e0.blend(lo, e0.compare(VectorOperators.LT, lo)).blend(hi, e0.compare(VectorOperators.GT, hi));
                e1 = e1.blend(lo, e1.compare(VectorOperators.LT, lo)).blend(hi, e1.compare(VectorOperators.GT, hi));
                f0 = f0.blend(lo, f0.compare(VectorOperators.LT, lo)).blend(hi, f0.compare(VectorOperators.GT, hi));
                f1 = f1.blend(lo, f1.compare(VectorOperators.LT, lo)).blend(hi, f1.compare(VectorOperators.GT, hi));
                g0 = g0.blend(lo, g0.compare(VectorOperators.LT, lo)).blend(hi, g0.compare(VectorOperators.GT, hi));
                g1 = g1.blend(lo, g1.compare(VectorOperators.LT, lo)).blend(hi, g1.compare(VectorOperators.GT, hi));
                h0 = h0.blend(lo, h0.compare(VectorOperators.LT, lo)).blend(hi, h0.compare(VectorOperators.GT, hi));
                h1 = h1.blend(lo, h1.compare(VectorOperators.LT, lo)).blend(hi, h1.compare(VectorOperators.GT, hi));
            }
            a0.intoArray(flat, q0);
            a1.intoArray(flat, q0 + L);
            b0.intoArray(flat, stride + q0);
            b1.intoArray(flat, stride + q0 + L);
            c0.intoArray(flat, 2 * stride + q0);
            c1.intoArray(flat, 2 * stride + q0 + L);
            d0.intoArray(flat, 3 * stride + q0);
            d1.intoArray(flat, 3 * stride + q0 + L);
            e0.intoArray(flat, 4 * stride + q0);
            e1.intoArray(flat, 4 * stride + q0 + L);
            f0.intoArray(flat, 5 * stride + q0);
            f1.intoArray(flat, 5 * stride + q0 + L);
            g0.intoArray(flat, 6 * stride + q0);
            g1.intoArray(flat, 6 * stride + q0 + L);
            h0.intoArray(flat, 7 * stride + q0);
            h1.intoArray(flat, 7 * stride + q0 + L);
        }
        copyOut(flat, stride, pw, y, yo + m0 * oh * ow, live, oh, ow);
    }

    /**
     * The valid positions of {@code live} flat runs (flat[k * stride + oy * pw + ox], ox < ow) into
     * their channels' rows at y[yo ..], in vectors, the last one of each row masked: a
     * System.arraycopy call per 8- to 28-float row cost more than the copying (lenet_bn 0.987 of
     * the time, median of 200 pairs).
     */
    private static void copyOut(float[] flat, int stride, int pw, float[] y, int yo, int live, int oh, int ow) {
        int last = (ow - 1) / L * L;
        VectorMask<Float> tail = S.indexInRange(0, ow - last);
        for (int k = 0; k < live; k++) {
            int from = k * stride;
            int to = yo + k * oh * ow;
            for (int oy = 0; oy < oh; oy++, from += pw, to += ow) {
                for (int c = 0; c < last; c += L) {
                    FloatVector.fromArray(S, flat, from + c).intoArray(y, to + c);
                }
                FloatVector.fromArray(S, flat, from + last).intoArray(y, to + last, tail);
            }
        }
    }
}
