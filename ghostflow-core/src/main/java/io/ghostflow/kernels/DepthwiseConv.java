package io.ghostflow.kernels;

import io.ghostflow.core.Parallel;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise convolution (groups == C == outC). Two paths:
 * <ul>
 * <li>3x3, dilation 1, stride along W of 1 or 2 (every depthwise layer of MobileNet-style
 * models): each input row is copied once into one of three zero-padded scratch rows (a ring
 * indexed by row mod 3, so the rows shared by consecutive output rows are not copied again;
 * rows above and below the image point at a zero row), the nine weights stay in vector
 * registers, and every output row is accumulated along OW in vectors. Stride 2 computes two
 * stride-1 vectors and keeps their even lanes ({@link Deinterleave}'s one-vector shuffles). The epilogue runs on
 * each output row while it is in L1.</li>
 * <li>Everything else (other kernel sizes, dilation, strides &gt; 2 along W): the plane is copied
 * once into a zero-padded scratch plane and each output row accumulated along OW in vectors.</li>
 * </ul>
 */
final class DepthwiseConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Slot 0: a stride-1 row of the generic path; slot 1: its padded plane. */
    private static final ScratchFloats SCRATCH = new ScratchFloats(2);
    private static final ThreadLocal<Ring> RING = ThreadLocal.withInitial(Ring::new);
    /** Floats of output per epilogue pass of the 3x3 path. */
    private static final int EPILOGUE_CHUNK = 2048;

    private DepthwiseConv() {
    }

    static void run(Conv2d.Params p, float[] w, float[] x, int xOff, float[] y, int yOff, Epilogue epi, int threads) {
        int oh = p.outH();
        int ow = p.outW();
        int planes = p.n() * p.c();
        long workPerPlane = (long) oh * ow * p.kH() * p.kW();
        int grain = (int) Math.max(1, 32768 / Math.max(1, workPerPlane));
        boolean fast3x3 = p.kH() == 3 && p.kW() == 3 && p.dilationH() == 1 && p.dilationW() == 1
                && p.strideW() <= 2;
        if (fast3x3 && SmallPlanes.suits(p)) {
            Parallel.forRange(threads, planes, grain, (s, e) -> smallPlanes(p, w, x, xOff, y, yOff, epi, s, e));
            return;
        }
        int[] gatherMap = new int[L];
        for (int i = 0; i < L; i++) {
            gatherMap[i] = i * p.strideW();
        }
        Parallel.forRange(threads, planes, grain, (s, e) -> {
            for (int plane = s; plane < e; plane++) {
                if (fast3x3) {
                    runPlane3x3(p, w, x, xOff, y, yOff, epi, plane);
                } else {
                    runPlane(p, w, x, xOff, y, yOff, epi, plane, gatherMap);
                }
            }
        });
    }

    /**
     * One plane of a 3x3, dilation-1 depthwise convolution with stride 1 or 2 along W (any stride
     * along H, any pads).
     */
    private static void runPlane3x3(Conv2d.Params p, float[] w, float[] x, int xOff, float[] y, int yOff,
                                    Epilogue epi, int plane) {
        int n = plane / p.c();
        int ch = plane % p.c();
        int oh = p.outH();
        int ow = p.outW();
        int sW = p.strideW();
        // loads of a vector starting at output column c < ow reach padded column sW * (c + L) + 2
        int pw = sW * (ow + L) + 3;
        Ring ring = RING.get();
        ring.bind(x, xOff + plane * p.h() * p.w(), p.h(), p.w(), p.padLeft(), pw);
        Epilogue e = epi.withResidualRowsAhead(n * p.c());
        int yo = yOff + plane * oh * ow;
        // bias and ReLU / Clip are applied in registers before the store, anything else afterwards
        boolean fused = e.atMostRowBiasClamp();
        // x + -0f == x for every x, including -0f: no bias adds nothing
        float bias = fused && e.biasMode() == Epilogue.BiasMode.PER_ROW ? e.bias()[e.biasOffset() + ch] : -0f;
        float lo = fused ? e.clampLow() : Float.NEGATIVE_INFINITY;
        float hi = fused ? e.clampHigh() : Float.POSITIVE_INFINITY;
        Epilogue after = fused ? Epilogue.NONE : e;
        if (sW == 1) {
            plane3x3s1(ring, p.strideH(), p.padTop(), w, ch * 9, bias, lo, hi, y, yo, oh, ow, after, ch);
        } else {
            plane3x3s2(ring, p.strideH(), p.padTop(), w, ch * 9, bias, lo, hi, y, yo, oh, ow, after, ch);
        }
    }

    /*
     * The two plane kernels below take no vector arguments and return none: a vector passed to a
     * method the JIT does not inline is boxed on the heap. Stores of a row's last vector may run
     * past the row into the next one (rewritten when that row is computed); only where they would
     * leave the plane are they masked. A bias and ReLU / Clip are applied before the
     * store; any other epilogue runs per chunk of rows (about 8 KB), after
     * the chunk's last row, while the chunk is in L1.
     */

    /** Output rows of one plane at stride 1 along W: y[yo + r * ow + c] for r < oh, c < ow. */
    private static void plane3x3s1(Ring ring, int sH, int padTop, float[] w, int wo, float bias, float lo,
                                   float hi, float[] y, int yo, int oh, int ow, Epilogue e, int ch) {
        float[] buf = ring.buf;
        FloatVector w0 = FloatVector.broadcast(S, w[wo]);
        FloatVector w1 = FloatVector.broadcast(S, w[wo + 1]);
        FloatVector w2 = FloatVector.broadcast(S, w[wo + 2]);
        FloatVector w3 = FloatVector.broadcast(S, w[wo + 3]);
        FloatVector w4 = FloatVector.broadcast(S, w[wo + 4]);
        FloatVector w5 = FloatVector.broadcast(S, w[wo + 5]);
        FloatVector w6 = FloatVector.broadcast(S, w[wo + 6]);
        FloatVector w7 = FloatVector.broadcast(S, w[wo + 7]);
        FloatVector w8 = FloatVector.broadcast(S, w[wo + 8]);
        FloatVector bv = FloatVector.broadcast(S, bias);
        int end = yo + oh * ow;
        int chunk = Math.max(1, EPILOGUE_CHUNK / ow);
        int r0 = 0;
        for (int r = 0; r < oh; r++) {
            int ih = r * sH - padTop;
            int a = ring.row(ih);
            int b = ring.row(ih + 1);
            int c = ring.row(ih + 2);
            int out = yo + r * ow;
            int c0 = 0;
            for (; c0 + 2 * L <= ow; c0 += 2 * L) {
                FloatVector s0 = FloatVector.fromArray(S, buf, a + c0).mul(w0);
                s0 = FloatVector.fromArray(S, buf, a + c0 + 1).fma(w1, s0);
                s0 = FloatVector.fromArray(S, buf, a + c0 + 2).fma(w2, s0);
                FloatVector s1 = FloatVector.fromArray(S, buf, a + c0 + L).mul(w0);
                s1 = FloatVector.fromArray(S, buf, a + c0 + L + 1).fma(w1, s1);
                s1 = FloatVector.fromArray(S, buf, a + c0 + L + 2).fma(w2, s1);
                s0 = FloatVector.fromArray(S, buf, b + c0).fma(w3, s0);
                s0 = FloatVector.fromArray(S, buf, b + c0 + 1).fma(w4, s0);
                s0 = FloatVector.fromArray(S, buf, b + c0 + 2).fma(w5, s0);
                s1 = FloatVector.fromArray(S, buf, b + c0 + L).fma(w3, s1);
                s1 = FloatVector.fromArray(S, buf, b + c0 + L + 1).fma(w4, s1);
                s1 = FloatVector.fromArray(S, buf, b + c0 + L + 2).fma(w5, s1);
                s0 = FloatVector.fromArray(S, buf, c + c0).fma(w6, s0);
                s0 = FloatVector.fromArray(S, buf, c + c0 + 1).fma(w7, s0);
                s0 = FloatVector.fromArray(S, buf, c + c0 + 2).fma(w8, s0);
                s1 = FloatVector.fromArray(S, buf, c + c0 + L).fma(w6, s1);
                s1 = FloatVector.fromArray(S, buf, c + c0 + L + 1).fma(w7, s1);
                s1 = FloatVector.fromArray(S, buf, c + c0 + L + 2).fma(w8, s1);
                s0 = s0.add(bv);
                s0 = s0.blend(lo, s0.compare(VectorOperators.LT, lo)).blend(hi, s0.compare(VectorOperators.GT, hi));
                s1 = s1.add(bv);
                s1 = s1.blend(lo, s1.compare(VectorOperators.LT, lo)).blend(hi, s1.compare(VectorOperators.GT, hi));
                s0.intoArray(y, out + c0);
                s1.intoArray(y, out + c0 + L);
            }
            for (; c0 < ow; c0 += L) {
                FloatVector s0 = FloatVector.fromArray(S, buf, a + c0).mul(w0);
                s0 = FloatVector.fromArray(S, buf, a + c0 + 1).fma(w1, s0);
                s0 = FloatVector.fromArray(S, buf, a + c0 + 2).fma(w2, s0);
                s0 = FloatVector.fromArray(S, buf, b + c0).fma(w3, s0);
                s0 = FloatVector.fromArray(S, buf, b + c0 + 1).fma(w4, s0);
                s0 = FloatVector.fromArray(S, buf, b + c0 + 2).fma(w5, s0);
                s0 = FloatVector.fromArray(S, buf, c + c0).fma(w6, s0);
                s0 = FloatVector.fromArray(S, buf, c + c0 + 1).fma(w7, s0);
                s0 = FloatVector.fromArray(S, buf, c + c0 + 2).fma(w8, s0);
                s0 = s0.add(bv);
                s0 = s0.blend(lo, s0.compare(VectorOperators.LT, lo)).blend(hi, s0.compare(VectorOperators.GT, hi));
                if (out + c0 + L <= end) {
                    s0.intoArray(y, out + c0);
                } else {
                    s0.intoArray(y, out + c0, S.indexInRange(c0, ow));
                }
            }
            if (r + 1 - r0 == chunk || r + 1 == oh) {
                if (!e.isIdentity()) {
                    e.apply(y, yo + r0 * ow, 0, ch, r0 * ow, 1, (r + 1 - r0) * ow);
                }
                r0 = r + 1;
            }
        }
    }

    /**
     * Output rows of one plane at stride 2 along W: two stride-1 vectors over padded columns
     * 2c .. 2c + 2L - 1, of which the even lanes are the outputs c .. c + L - 1.
     */
    private static void plane3x3s2(Ring ring, int sH, int padTop, float[] w, int wo, float bias, float lo,
                                   float hi, float[] y, int yo, int oh, int ow, Epilogue e, int ch) {
        float[] buf = ring.buf;
        FloatVector w0 = FloatVector.broadcast(S, w[wo]);
        FloatVector w1 = FloatVector.broadcast(S, w[wo + 1]);
        FloatVector w2 = FloatVector.broadcast(S, w[wo + 2]);
        FloatVector w3 = FloatVector.broadcast(S, w[wo + 3]);
        FloatVector w4 = FloatVector.broadcast(S, w[wo + 4]);
        FloatVector w5 = FloatVector.broadcast(S, w[wo + 5]);
        FloatVector w6 = FloatVector.broadcast(S, w[wo + 6]);
        FloatVector w7 = FloatVector.broadcast(S, w[wo + 7]);
        FloatVector w8 = FloatVector.broadcast(S, w[wo + 8]);
        FloatVector bv = FloatVector.broadcast(S, bias);
        int end = yo + oh * ow;
        int chunk = Math.max(1, EPILOGUE_CHUNK / ow);
        int r0 = 0;
        for (int r = 0; r < oh; r++) {
            int ih = r * sH - padTop;
            int a = ring.row(ih);
            int b = ring.row(ih + 1);
            int c = ring.row(ih + 2);
            int out = yo + r * ow;
            for (int c0 = 0; c0 < ow; c0 += L) {
                int i = 2 * c0;
                FloatVector s0 = FloatVector.fromArray(S, buf, a + i).mul(w0);
                s0 = FloatVector.fromArray(S, buf, a + i + 1).fma(w1, s0);
                s0 = FloatVector.fromArray(S, buf, a + i + 2).fma(w2, s0);
                FloatVector s1 = FloatVector.fromArray(S, buf, a + i + L).mul(w0);
                s1 = FloatVector.fromArray(S, buf, a + i + L + 1).fma(w1, s1);
                s1 = FloatVector.fromArray(S, buf, a + i + L + 2).fma(w2, s1);
                s0 = FloatVector.fromArray(S, buf, b + i).fma(w3, s0);
                s0 = FloatVector.fromArray(S, buf, b + i + 1).fma(w4, s0);
                s0 = FloatVector.fromArray(S, buf, b + i + 2).fma(w5, s0);
                s1 = FloatVector.fromArray(S, buf, b + i + L).fma(w3, s1);
                s1 = FloatVector.fromArray(S, buf, b + i + L + 1).fma(w4, s1);
                s1 = FloatVector.fromArray(S, buf, b + i + L + 2).fma(w5, s1);
                s0 = FloatVector.fromArray(S, buf, c + i).fma(w6, s0);
                s0 = FloatVector.fromArray(S, buf, c + i + 1).fma(w7, s0);
                s0 = FloatVector.fromArray(S, buf, c + i + 2).fma(w8, s0);
                s1 = FloatVector.fromArray(S, buf, c + i + L).fma(w6, s1);
                s1 = FloatVector.fromArray(S, buf, c + i + L + 1).fma(w7, s1);
                s1 = FloatVector.fromArray(S, buf, c + i + L + 2).fma(w8, s1);
                // The even lanes of (s0, s1): one-vector rearranges and a blend (the two-vector
                // rearrange ran the stride-2 planes at a third of the stride-1 speed).
                FloatVector v = s0.rearrange(Deinterleave.EVENS_FIRST)
                        .blend(s1.rearrange(Deinterleave.ODDS_FIRST), Deinterleave.UPPER_HALF);
                v = v.add(bv);
                v = v.blend(lo, v.compare(VectorOperators.LT, lo)).blend(hi, v.compare(VectorOperators.GT, hi));
                if (out + c0 + L <= end) {
                    v.intoArray(y, out + c0);
                } else {
                    v.intoArray(y, out + c0, S.indexInRange(c0, ow));
                }
            }
            if (r + 1 - r0 == chunk || r + 1 == oh) {
                if (!e.isIdentity()) {
                    e.apply(y, yo + r0 * ow, 0, ch, r0 * ow, 1, (r + 1 - r0) * ow);
                }
                r0 = r + 1;
            }
        }
    }

    /**
     * Geometry of the small-plane 3x3 path: whole zero-padded planes (row stride pw, plane
     * stride {@code plane}) copied a batch at a time into per-thread scratch whose padding stays
     * zero, so only the interior is written per plane.
     */
    static final class SmallPlanes {
        /**
         * Largest padded plane (floats) the path takes: 56 x 56 inputs and smaller. A 112 x 112
         * plane copied whole overflows L1 before it is read; in a model (input fresh from the
         * previous layer) that ran 1.3x slower than the row ring, in isolation 0.8x.
         */
        static final int MAX_PLANE = Integer.getInteger("ghostflow.dw.smallPlane", 4096);
        static final int MAX_PLANE_STRIDED = Integer.getInteger("ghostflow.dw.smallPlaneStrided", 4096);
        /** Floats of padded planes copied per batch: the copies have left the store buffer before the loads. */
        static final int BATCH_FLOATS = 4096;

        static int pw(Conv2d.Params p) {
            return Math.max(p.padLeft() + p.w() + p.padRight(), (p.outW() - 1) * p.strideW() + 3);
        }

        static int ph(Conv2d.Params p) {
            return Math.max(p.padTop() + p.h() + p.padBottom(), (p.outH() - 1) * p.strideH() + 3);
        }

        /** Floats per plane: rows plus slack for vector loads past the last valid column (stride 2 reads 2L + 2 past a vector start). */
        static int stride(Conv2d.Params p) {
            return ph(p) * pw(p) + 3 * L + 8;
        }

        static boolean suits(Conv2d.Params p) {
            boolean unit = p.strideH() == 1 && p.strideW() == 1;
            return ph(p) * pw(p) <= (unit ? MAX_PLANE : MAX_PLANE_STRIDED);
        }
    }

    private static final ThreadLocal<float[][]> SMALL = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * Planes [s, e) of a 3x3 depthwise convolution over planes up to 56 x 56: per-row
     * set-up and the row ring cost more than the nine multiply-adds of a row there. A batch of
     * planes is copied into zero-padded scratch first, then each plane's rows are computed from it
     * (the copies have retired by then: loads straddling fresh narrow stores stall on forwarding).
     */
    private static void smallPlanes(Conv2d.Params p, float[] w, float[] x, int xOff, float[] y, int yOff,
                                    Epilogue epi, int s, int e) {
        int pw = SmallPlanes.pw(p);
        boolean phased = DepthwisePhases.suits(p);
        int half = phased ? DepthwisePhases.half(p) : 0;
        int stride = phased ? SmallPlanes.ph(p) * 2 * half : SmallPlanes.stride(p);
        int batch = Math.max(1, Math.min(e - s, SmallPlanes.BATCH_FLOATS / stride));
        float[][] holder = SMALL.get();
        float[] pad = holder[0];
        if (pad.length < batch * stride) {
            pad = new float[batch * stride];
            holder[0] = pad;
        }
        Arrays.fill(pad, 0, batch * stride, 0f);
        int h = p.h();
        int wd = p.w();
        int hw = h * wd;
        int oh = p.outH();
        int ow = p.outW();
        int c = p.c();
        boolean fused = epi.atMostRowBiasClamp();
        boolean rowBias = fused && epi.biasMode() == Epilogue.BiasMode.PER_ROW;
        float lo = fused ? epi.clampLow() : Float.NEGATIVE_INFINITY;
        float hi = fused ? epi.clampHigh() : Float.POSITIVE_INFINITY;
        int first = p.padTop() * pw + p.padLeft();
        int limit = yOff + e * oh * ow;
        for (int b0 = s; b0 < e; b0 += batch) {
            int b1 = Math.min(e, b0 + batch);
            for (int plane = b0; plane < b1; plane++) {
                int src = xOff + plane * hw;
                if (phased) {
                    int dst = (plane - b0) * stride + p.padTop() * 2 * half;
                    for (int r = 0; r < h; r++) {
                        DepthwisePhases.copyRow(x, src + r * wd, wd, p.padLeft(), pad, dst + r * 2 * half, half);
                    }
                    continue;
                }
                int dst = (plane - b0) * stride + first;
                for (int r = 0; r < h; r++) {
                    copyRow(x, src + r * wd, wd, pad, dst + r * pw);
                }
            }
            for (int plane = b0; plane < b1; plane++) {
                int ch = plane % c;
                int yo = yOff + plane * oh * ow;
                // x + -0f == x for every x, including -0f: no bias adds nothing
                float bias = rowBias ? epi.bias()[epi.biasOffset() + ch] : -0f;
                int base = (plane - b0) * stride;
                // stores may spill past this plane into the next one of the range, which is computed later
                if (phased) {
                    DepthwisePhases.rows(pad, base, half, w, ch * 9, bias, lo, hi, y, yo, oh, ow, limit);
                } else if (p.strideW() == 1 && p.strideH() == 1) {
                    small3x3s1rows(pad, base, pw, w, ch * 9, bias, lo, hi, y, yo, oh, ow, limit);
                } else if (p.strideW() == 1) {
                    small3x3s1(pad, base, pw, p.strideH(), w, ch * 9, bias, lo, hi, y, yo, oh, ow, limit);
                } else {
                    small3x3s2(pad, base, pw, p.strideH(), w, ch * 9, bias, lo, hi, y, yo, oh, ow, limit);
                }
                if (!fused) {
                    Epilogue en = epi.withResidualRowsAhead(plane / c * c);
                    en.apply(y, yo, 0, ch, 0, 1, oh * ow);
                }
            }
        }
    }

    /**
     * pad[to .. to + w) = x[from .. from + w) in vectors (System.arraycopy's call costs more than a
     * row of 7 .. 28 floats). The last vector is a masked load and a plain store (masked stores are
     * slow on AMD): its zero lanes land in the row's right padding and the next row's left padding
     * (both zero), or on columns the next row's copy rewrites.
     */
    static void copyRow(float[] x, int from, int w, float[] pad, int to) {
        int j = 0;
        for (; j + L <= w; j += L) {
            FloatVector.fromArray(S, x, from + j).intoArray(pad, to + j);
        }
        if (j < w) {
            FloatVector.fromArray(S, x, from + j, S.indexInRange(j, w)).intoArray(pad, to + j);
        }
    }

    /**
     * One small plane at stride 1 (both axes) from its padded copy at pad[base], streaming down
     * the rows: each padded row's three shifted vectors are loaded once and feed the three output
     * rows that use it (kernel rows 2, 1 and 0), so a row costs three loads instead of nine. Each
     * output is still the one FMA chain over the taps in order 0..8. Column blocks run last to
     * first, within bands of rows that fit L1: a block's lanes past the row spill into the next row's
     * first block, written later.
     */
    static void small3x3s1rows(float[] pad, int base, int pw, float[] w, int wo, float bias, float lo,
                                       float hi, float[] y, int yo, int oh, int ow, int end) {
        FloatVector w0 = FloatVector.broadcast(S, w[wo]);
        FloatVector w1 = FloatVector.broadcast(S, w[wo + 1]);
        FloatVector w2 = FloatVector.broadcast(S, w[wo + 2]);
        FloatVector w3 = FloatVector.broadcast(S, w[wo + 3]);
        FloatVector w4 = FloatVector.broadcast(S, w[wo + 4]);
        FloatVector w5 = FloatVector.broadcast(S, w[wo + 5]);
        FloatVector w6 = FloatVector.broadcast(S, w[wo + 6]);
        FloatVector w7 = FloatVector.broadcast(S, w[wo + 7]);
        FloatVector w8 = FloatVector.broadcast(S, w[wo + 8]);
        FloatVector bv = FloatVector.broadcast(S, bias);
        // Bands of rows whose padded rows stay in L1 while the column blocks walk down them.
        int band = Math.max(4, 4096 / pw - 2);
        for (int r0 = 0; r0 < oh; r0 += band) {
            int r1 = Math.min(oh, r0 + band);
            for (int c0 = (ow - 1) / L * L; c0 >= 0; c0 -= L) {
                int at = base + r0 * pw + c0;
                FloatVector acc0 = FloatVector.fromArray(S, pad, at).mul(w0);
                acc0 = FloatVector.fromArray(S, pad, at + 1).fma(w1, acc0);
                acc0 = FloatVector.fromArray(S, pad, at + 2).fma(w2, acc0);
                at += pw;
                FloatVector x0 = FloatVector.fromArray(S, pad, at);
                FloatVector x1 = FloatVector.fromArray(S, pad, at + 1);
                FloatVector x2 = FloatVector.fromArray(S, pad, at + 2);
                acc0 = x0.fma(w3, acc0);
                acc0 = x1.fma(w4, acc0);
                acc0 = x2.fma(w5, acc0);
                FloatVector acc1 = x0.mul(w0);
                acc1 = x1.fma(w1, acc1);
                acc1 = x2.fma(w2, acc1);
                int out = yo + r0 * ow + c0;
                for (int r = r0; r < r1; r++) {
                    at += pw;
                    x0 = FloatVector.fromArray(S, pad, at);
                    x1 = FloatVector.fromArray(S, pad, at + 1);
                    x2 = FloatVector.fromArray(S, pad, at + 2);
                    acc0 = x0.fma(w6, acc0);
                    acc0 = x1.fma(w7, acc0);
                    acc0 = x2.fma(w8, acc0);
                    acc1 = x0.fma(w3, acc1);
                    acc1 = x1.fma(w4, acc1);
                    acc1 = x2.fma(w5, acc1);
                    FloatVector acc2 = x0.mul(w0);
                    acc2 = x1.fma(w1, acc2);
                    acc2 = x2.fma(w2, acc2);
                    FloatVector v = acc0.add(bv);
                    v = v.blend(lo, v.compare(VectorOperators.LT, lo)).blend(hi, v.compare(VectorOperators.GT, hi));
                    if (out + L <= end) {
                        v.intoArray(y, out);
                    } else {
                        v.intoArray(y, out, S.indexInRange(c0, ow));
                    }
                    out += ow;
                    acc0 = acc1;
                    acc1 = acc2;
                }
            }
        }
    }

    /**
     * One small plane at stride 1 along W from its padded copy at pad[base]: output rows in
     * vectors, two per pass where the row has them (independent FMA chains); a vector's lanes past
     * the row spill into the next row or plane (rewritten when that is computed) and are masked
     * only at {@code end}, the end of the caller's range of planes (masked stores are slow).
     */
    static void small3x3s1(float[] pad, int base, int pw, int sH, float[] w, int wo, float bias, float lo,
                                   float hi, float[] y, int yo, int oh, int ow, int end) {
        FloatVector w0 = FloatVector.broadcast(S, w[wo]);
        FloatVector w1 = FloatVector.broadcast(S, w[wo + 1]);
        FloatVector w2 = FloatVector.broadcast(S, w[wo + 2]);
        FloatVector w3 = FloatVector.broadcast(S, w[wo + 3]);
        FloatVector w4 = FloatVector.broadcast(S, w[wo + 4]);
        FloatVector w5 = FloatVector.broadcast(S, w[wo + 5]);
        FloatVector w6 = FloatVector.broadcast(S, w[wo + 6]);
        FloatVector w7 = FloatVector.broadcast(S, w[wo + 7]);
        FloatVector w8 = FloatVector.broadcast(S, w[wo + 8]);
        FloatVector bv = FloatVector.broadcast(S, bias);
        // Vector slots (row, column) in order, two per pass: a single slot's nine chained FMAs
        // are latency-bound. A missing second slot repeats the first (same values, stored twice).
        int r = 0;
        int c0 = 0;
        while (r < oh) {
            int r1 = r;
            int c1 = c0 + L;
            if (c1 >= ow) {
                r1 = r + 1;
                c1 = 0;
            }
            int rb = r1;
            int cb = c1;
            if (rb >= oh) {
                rb = r;
                cb = c0;
            }
            int a = base + r * sH * pw + c0;
            int b = a + pw;
            int c = b + pw;
            int a1 = base + rb * sH * pw + cb;
            int b1 = a1 + pw;
            int c2 = b1 + pw;
            FloatVector s0 = FloatVector.fromArray(S, pad, a).mul(w0);
            FloatVector s1 = FloatVector.fromArray(S, pad, a1).mul(w0);
            s0 = FloatVector.fromArray(S, pad, a + 1).fma(w1, s0);
            s1 = FloatVector.fromArray(S, pad, a1 + 1).fma(w1, s1);
            s0 = FloatVector.fromArray(S, pad, a + 2).fma(w2, s0);
            s1 = FloatVector.fromArray(S, pad, a1 + 2).fma(w2, s1);
            s0 = FloatVector.fromArray(S, pad, b).fma(w3, s0);
            s1 = FloatVector.fromArray(S, pad, b1).fma(w3, s1);
            s0 = FloatVector.fromArray(S, pad, b + 1).fma(w4, s0);
            s1 = FloatVector.fromArray(S, pad, b1 + 1).fma(w4, s1);
            s0 = FloatVector.fromArray(S, pad, b + 2).fma(w5, s0);
            s1 = FloatVector.fromArray(S, pad, b1 + 2).fma(w5, s1);
            s0 = FloatVector.fromArray(S, pad, c).fma(w6, s0);
            s1 = FloatVector.fromArray(S, pad, c2).fma(w6, s1);
            s0 = FloatVector.fromArray(S, pad, c + 1).fma(w7, s0);
            s1 = FloatVector.fromArray(S, pad, c2 + 1).fma(w7, s1);
            s0 = FloatVector.fromArray(S, pad, c + 2).fma(w8, s0);
            s1 = FloatVector.fromArray(S, pad, c2 + 2).fma(w8, s1);
            s0 = s0.add(bv);
            s0 = s0.blend(lo, s0.compare(VectorOperators.LT, lo)).blend(hi, s0.compare(VectorOperators.GT, hi));
            s1 = s1.add(bv);
            s1 = s1.blend(lo, s1.compare(VectorOperators.LT, lo)).blend(hi, s1.compare(VectorOperators.GT, hi));
            int o0 = yo + r * ow + c0;
            int o1 = yo + rb * ow + cb;
            if (o0 + L <= end) {
                s0.intoArray(y, o0);
            } else {
                s0.intoArray(y, o0, S.indexInRange(c0, ow));
            }
            if (o1 + L <= end) {
                s1.intoArray(y, o1);
            } else {
                s1.intoArray(y, o1, S.indexInRange(cb, ow));
            }
            r = r1;
            c0 = c1 + L;
            if (c0 >= ow) {
                r = r1 + 1;
                c0 = 0;
            }
        }
    }

    /** {@link #small3x3s1} at stride 2 along W: two stride-1 vectors, their even lanes kept. */
    static void small3x3s2(float[] pad, int base, int pw, int sH, float[] w, int wo, float bias, float lo,
                                   float hi, float[] y, int yo, int oh, int ow, int end) {
        FloatVector w0 = FloatVector.broadcast(S, w[wo]);
        FloatVector w1 = FloatVector.broadcast(S, w[wo + 1]);
        FloatVector w2 = FloatVector.broadcast(S, w[wo + 2]);
        FloatVector w3 = FloatVector.broadcast(S, w[wo + 3]);
        FloatVector w4 = FloatVector.broadcast(S, w[wo + 4]);
        FloatVector w5 = FloatVector.broadcast(S, w[wo + 5]);
        FloatVector w6 = FloatVector.broadcast(S, w[wo + 6]);
        FloatVector w7 = FloatVector.broadcast(S, w[wo + 7]);
        FloatVector w8 = FloatVector.broadcast(S, w[wo + 8]);
        FloatVector bv = FloatVector.broadcast(S, bias);
        int r = 0;
        int c0 = 0;
        while (r < oh) {
            int r1 = r;
            int c1 = c0 + L;
            if (c1 >= ow) {
                r1 = r + 1;
                c1 = 0;
            }
            int rb = r1;
            int cb = c1;
            if (rb >= oh) {
                rb = r;
                cb = c0;
            }
            int a = base + r * sH * pw + 2 * c0;
            int b = a + pw;
            int c = b + pw;
            int a1 = base + rb * sH * pw + 2 * cb;
            int b1 = a1 + pw;
            int c2 = b1 + pw;
            FloatVector s0 = FloatVector.fromArray(S, pad, a).mul(w0);
            FloatVector s1 = FloatVector.fromArray(S, pad, a + L).mul(w0);
            FloatVector t0 = FloatVector.fromArray(S, pad, a1).mul(w0);
            FloatVector t1 = FloatVector.fromArray(S, pad, a1 + L).mul(w0);
            s0 = FloatVector.fromArray(S, pad, a + 1).fma(w1, s0);
            s1 = FloatVector.fromArray(S, pad, a + L + 1).fma(w1, s1);
            t0 = FloatVector.fromArray(S, pad, a1 + 1).fma(w1, t0);
            t1 = FloatVector.fromArray(S, pad, a1 + L + 1).fma(w1, t1);
            s0 = FloatVector.fromArray(S, pad, a + 2).fma(w2, s0);
            s1 = FloatVector.fromArray(S, pad, a + L + 2).fma(w2, s1);
            t0 = FloatVector.fromArray(S, pad, a1 + 2).fma(w2, t0);
            t1 = FloatVector.fromArray(S, pad, a1 + L + 2).fma(w2, t1);
            s0 = FloatVector.fromArray(S, pad, b).fma(w3, s0);
            s1 = FloatVector.fromArray(S, pad, b + L).fma(w3, s1);
            t0 = FloatVector.fromArray(S, pad, b1).fma(w3, t0);
            t1 = FloatVector.fromArray(S, pad, b1 + L).fma(w3, t1);
            s0 = FloatVector.fromArray(S, pad, b + 1).fma(w4, s0);
            s1 = FloatVector.fromArray(S, pad, b + L + 1).fma(w4, s1);
            t0 = FloatVector.fromArray(S, pad, b1 + 1).fma(w4, t0);
            t1 = FloatVector.fromArray(S, pad, b1 + L + 1).fma(w4, t1);
            s0 = FloatVector.fromArray(S, pad, b + 2).fma(w5, s0);
            s1 = FloatVector.fromArray(S, pad, b + L + 2).fma(w5, s1);
            t0 = FloatVector.fromArray(S, pad, b1 + 2).fma(w5, t0);
            t1 = FloatVector.fromArray(S, pad, b1 + L + 2).fma(w5, t1);
            s0 = FloatVector.fromArray(S, pad, c).fma(w6, s0);
            s1 = FloatVector.fromArray(S, pad, c + L).fma(w6, s1);
            t0 = FloatVector.fromArray(S, pad, c2).fma(w6, t0);
            t1 = FloatVector.fromArray(S, pad, c2 + L).fma(w6, t1);
            s0 = FloatVector.fromArray(S, pad, c + 1).fma(w7, s0);
            s1 = FloatVector.fromArray(S, pad, c + L + 1).fma(w7, s1);
            t0 = FloatVector.fromArray(S, pad, c2 + 1).fma(w7, t0);
            t1 = FloatVector.fromArray(S, pad, c2 + L + 1).fma(w7, t1);
            s0 = FloatVector.fromArray(S, pad, c + 2).fma(w8, s0);
            s1 = FloatVector.fromArray(S, pad, c + L + 2).fma(w8, s1);
            t0 = FloatVector.fromArray(S, pad, c2 + 2).fma(w8, t0);
            t1 = FloatVector.fromArray(S, pad, c2 + L + 2).fma(w8, t1);
            FloatVector v = s0.rearrange(Deinterleave.EVENS_FIRST)
                    .blend(s1.rearrange(Deinterleave.ODDS_FIRST), Deinterleave.UPPER_HALF);
            FloatVector u = t0.rearrange(Deinterleave.EVENS_FIRST)
                    .blend(t1.rearrange(Deinterleave.ODDS_FIRST), Deinterleave.UPPER_HALF);
            v = v.add(bv);
            v = v.blend(lo, v.compare(VectorOperators.LT, lo)).blend(hi, v.compare(VectorOperators.GT, hi));
            u = u.add(bv);
            u = u.blend(lo, u.compare(VectorOperators.LT, lo)).blend(hi, u.compare(VectorOperators.GT, hi));
            int o0 = yo + r * ow + c0;
            int o1 = yo + rb * ow + cb;
            if (o0 + L <= end) {
                v.intoArray(y, o0);
            } else {
                v.intoArray(y, o0, S.indexInRange(c0, ow));
            }
            if (o1 + L <= end) {
                u.intoArray(y, o1);
            } else {
                u.intoArray(y, o1, S.indexInRange(cb, ow));
            }
            r = r1;
            c0 = c1 + L;
            if (c0 >= ow) {
                r = r1 + 1;
                c0 = 0;
            }
        }
    }

    /**
     * Per-thread scratch of the 3x3 path: three padded copies of input rows (slot ih % 3, so the
     * rows shared by consecutive output rows are copied once) and a zero row (slot 3) standing
     * for rows above and below the image. Padded column j of a slot holds input column j - padLeft.
     */
    private static final class Ring {
        private final int[] tags = new int[3];
        private float[] buf = new float[0];
        private float[] x;
        private int src;
        private int h;
        private int w;
        private int padLeft;
        private int pw;
        private int copy;

        void bind(float[] x, int src, int h, int w, int padLeft, int pw) {
            if (buf.length < 4 * pw) {
                buf = new float[4 * pw];
            }
            Arrays.fill(buf, 0, 4 * pw, 0f);
            Arrays.fill(tags, -1);
            this.x = x;
            this.src = src;
            this.h = h;
            this.w = w;
            this.padLeft = padLeft;
            this.pw = pw;
            this.copy = Math.max(0, Math.min(w, pw - padLeft));
        }

        /** Offset in buf of padded input row ih, copied in from x unless its slot already holds it. */
        int row(int ih) {
            if (ih < 0 || ih >= h) {
                return 3 * pw;
            }
            int slot = ih % 3;
            if (tags[slot] != ih) {
                System.arraycopy(x, src + ih * w, buf, slot * pw + padLeft, copy);
                tags[slot] = ih;
            }
            return slot * pw;
        }
    }

    private static void runPlane(Conv2d.Params p, float[] w, float[] x, int xOff, float[] y, int yOff,
                                 Epilogue epi, int plane, int[] gatherMap) {
        int n = plane / p.c();
        int ch = plane % p.c();
        int oh = p.outH();
        int ow = p.outW();
        int kH = p.kH();
        int kW = p.kW();
        int sH = p.strideH();
        int sW = p.strideW();
        int dH = p.dilationH();
        int dW = p.dilationW();
        // Padded plane: wide enough that every tap of every output column (plus a full vector) is inside.
        int pw = Math.max(p.padLeft() + p.w() + p.padRight(), (ow - 1) * sW + (kW - 1) * dW + 1) + L * sW;
        int ph = Math.max(p.padTop() + p.h() + p.padBottom(), (oh - 1) * sH + (kH - 1) * dH + 1);
        float[] pad = plane(ph * pw);
        Arrays.fill(pad, 0, ph * pw, 0f);
        int src = xOff + plane * p.h() * p.w();
        for (int r = 0; r < p.h(); r++) {
            System.arraycopy(x, src + r * p.w(), pad, (r + p.padTop()) * pw + p.padLeft(), p.w());
        }
        int wo = ch * kH * kW;
        int yo = yOff + plane * oh * ow;
        for (int r = 0; r < oh; r++) {
            int out = yo + r * ow;
            int inRow = r * sH * pw;
            if (sW == 1) {
                taps(pad, inRow, pw, kH, kW, dH, dW, w, wo, y, out, ow);
            } else {
                // Stride > 1: the stride-1 row (contiguous loads, vector FMAs) into scratch, then
                // every sW-th value; twice the multiply-adds for stride 2, but no gathers.
                int span = (ow - 1) * sW + 1;
                float[] tmp = row(span);
                taps(pad, inRow, pw, kH, kW, dH, dW, w, wo, tmp, 0, span);
                for (int c = 0; c < ow; c++) {
                    y[out + c] = tmp[c * sW];
                }
            }
        }
        // One [1, OH*OW] row per plane: the bias row is the channel, the residual row is n * C + ch.
        if (!epi.isIdentity()) {
            epi.withResidualRowsAhead(n * p.c()).apply(y, yo, oh * ow, ch, 0, 1, oh * ow);
        }
    }

    /**
     * dst[dOff + c] = sum over taps of pad[inRow + kh*dH*pw + c + kw*dW] * w[wo + kh*kW + kw] for
     * c < count: four output vectors at a time for four independent FMA chains (one chain is
     * bound by the FMA latency); loads may run past count inside the padded plane, stores do not.
     */
    private static void taps(float[] pad, int inRow, int pw, int kH, int kW, int dH, int dW, float[] w, int wo,
                             float[] dst, int dOff, int count) {
        int full = S.loopBound(count);
        int c0 = 0;
        for (; c0 + 4 * L <= full; c0 += 4 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            for (int kh = 0; kh < kH; kh++) {
                int rowBase = inRow + kh * dH * pw + c0;
                for (int kw = 0; kw < kW; kw++) {
                    FloatVector wv = FloatVector.broadcast(S, w[wo + kh * kW + kw]);
                    int at = rowBase + kw * dW;
                    a0 = FloatVector.fromArray(S, pad, at).fma(wv, a0);
                    a1 = FloatVector.fromArray(S, pad, at + L).fma(wv, a1);
                    a2 = FloatVector.fromArray(S, pad, at + 2 * L).fma(wv, a2);
                    a3 = FloatVector.fromArray(S, pad, at + 3 * L).fma(wv, a3);
                }
            }
            a0.intoArray(dst, dOff + c0);
            a1.intoArray(dst, dOff + c0 + L);
            a2.intoArray(dst, dOff + c0 + 2 * L);
            a3.intoArray(dst, dOff + c0 + 3 * L);
        }
        for (int c = c0; c < count; c += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int kh = 0; kh < kH; kh++) {
                int rowBase = inRow + kh * dH * pw + c;
                for (int kw = 0; kw < kW; kw++) {
                    acc = FloatVector.fromArray(S, pad, rowBase + kw * dW)
                            .fma(FloatVector.broadcast(S, w[wo + kh * kW + kw]), acc);
                }
            }
            if (c < full) {
                acc.intoArray(dst, dOff + c);
            } else {
                acc.intoArray(dst, dOff + c, S.indexInRange(c, count));
            }
        }
    }

    private static float[] row(int size) {
        return SCRATCH.get(0, size);
    }

    private static float[] plane(int size) {
        return SCRATCH.get(1, size);
    }
}
