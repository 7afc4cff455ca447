package io.ghostflow.kernels;

import io.ghostflow.core.Parallel;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise convolution (groups == C == outC). Two paths:
 * <ul>
 * <li>3x3, dilation 1, stride along W of 1 or 2 (every depthwise layer of MobileNet-style
 * models): each input row is copied once into one of three zero-padded scratch rows (a ring
 * indexed by row mod 3, so the rows shared by consecutive output rows are not copied again;
 * rows above and below the image point at a zero row), the nine weights stay in vector
 * registers, and every output row is accumulated along OW in vectors. Stride 2 computes two
 * stride-1 vectors and keeps their even lanes with one two-vector shuffle. The epilogue runs on
 * each output row while it is in L1.</li>
 * <li>Everything else (other kernel sizes, dilation, strides &gt; 2 along W): the plane is copied
 * once into a zero-padded scratch plane and each output row accumulated along OW in vectors.</li>
 * </ul>
 */
final class DepthwiseConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[1][0]);
    private static final ThreadLocal<Ring> RING = ThreadLocal.withInitial(Ring::new);
    /** Picks lanes 0, 2, .., 2L-2 of the pair (a, b): indexes >= L select from b. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);
    private static final ThreadLocal<float[][]> PLANE = ThreadLocal.withInitial(() -> new float[1][0]);

    private DepthwiseConv() {
    }

    static void run(Conv2d.Params p, float[] w, float[] x, int xOff, float[] y, int yOff, Epilogue epi, int threads) {
        int oh = p.outH();
        int ow = p.outW();
        int planes = p.n() * p.c();
        long workPerPlane = (long) oh * ow * p.kH() * p.kW();
        int grain = (int) Math.max(1, 32768 / Math.max(1, workPerPlane));
        int[] gatherMap = new int[L];
        for (int i = 0; i < L; i++) {
            gatherMap[i] = i * p.strideW();
        }
        boolean fast3x3 = p.kH() == 3 && p.kW() == 3 && p.dilationH() == 1 && p.dilationW() == 1
                && p.strideW() <= 2;
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
     * along H, any pads). Scratch: three padded input rows plus a zero row, each pw wide; padded
     * column j holds input column j - padLeft.
     */
    private static void runPlane3x3(Conv2d.Params p, float[] w, float[] x, int xOff, float[] y, int yOff,
                                    Epilogue epi, int plane) {
        int n = plane / p.c();
        int ch = plane % p.c();
        int h = p.h();
        int iw = p.w();
        int oh = p.outH();
        int ow = p.outW();
        int sH = p.strideH();
        int sW = p.strideW();
        int padTop = p.padTop();
        int padLeft = p.padLeft();
        // loads reach padded column sW * (max(ow, L) - 1) + 2 (+ L for the second stride-2 vector)
        int pw = sW * Math.max(ow, L) + 2 + L;
        Ring scratch = RING.get();
        float[] buf = scratch.rows(4 * pw);
        Arrays.fill(buf, 0, 4 * pw, 0f);
        int copy = Math.max(0, Math.min(iw, pw - padLeft));
        int src = xOff + plane * h * iw;
        int wo = ch * 9;
        Epilogue e = epi;
        if (!e.isIdentity() && e.residual() != null) {
            e = e.withResidual(e.residual(), e.residualOffset() + n * p.c() * e.residualLd(), e.residualLd());
        }
        int yo = yOff + plane * oh * ow;
        int[] tags = scratch.tags;
        Arrays.fill(tags, -1);
        for (int r = 0; r < oh; r++) {
            int ih0 = r * sH - padTop;
            int a = inputRow(x, src, h, iw, ih0, buf, pw, padLeft, copy, tags);
            int b = inputRow(x, src, h, iw, ih0 + 1, buf, pw, padLeft, copy, tags);
            int c = inputRow(x, src, h, iw, ih0 + 2, buf, pw, padLeft, copy, tags);
            int out = yo + r * ow;
            if (sW == 1) {
                row3x3s1(buf, a, b, c, w, wo, y, out, ow);
            } else {
                row3x3s2(buf, a, b, c, w, wo, y, out, ow);
            }
            if (!e.isIdentity()) {
                e.apply(y, out, ow, ch, r * ow, 1, ow);
            }
        }
    }

    /** y[out + c] for c < ow at stride 1: rows a, b, c are padded-row offsets into buf. */
    private static void row3x3s1(float[] buf, int a, int b, int c, float[] w, int wo,
                                 float[] y, int out, int ow) {
        // vectors are broadcast here, not passed in: a vector argument of a method the JIT does
        // not inline is boxed on the heap
        FloatVector w0 = FloatVector.broadcast(S, w[wo]);
        FloatVector w1 = FloatVector.broadcast(S, w[wo + 1]);
        FloatVector w2 = FloatVector.broadcast(S, w[wo + 2]);
        FloatVector w3 = FloatVector.broadcast(S, w[wo + 3]);
        FloatVector w4 = FloatVector.broadcast(S, w[wo + 4]);
        FloatVector w5 = FloatVector.broadcast(S, w[wo + 5]);
        FloatVector w6 = FloatVector.broadcast(S, w[wo + 6]);
        FloatVector w7 = FloatVector.broadcast(S, w[wo + 7]);
        FloatVector w8 = FloatVector.broadcast(S, w[wo + 8]);
        int c0 = 0;
        for (; c0 + 2 * L <= ow; c0 += 2 * L) {
            FloatVector s0 = tap3(buf, a + c0, w0, w1, w2, FloatVector.zero(S));
            FloatVector s1 = tap3(buf, a + c0 + L, w0, w1, w2, FloatVector.zero(S));
            s0 = tap3(buf, b + c0, w3, w4, w5, s0);
            s1 = tap3(buf, b + c0 + L, w3, w4, w5, s1);
            s0 = tap3(buf, c + c0, w6, w7, w8, s0);
            s1 = tap3(buf, c + c0 + L, w6, w7, w8, s1);
            s0.intoArray(y, out + c0);
            s1.intoArray(y, out + c0 + L);
        }
        for (; c0 < ow; c0 += L) {
            // the last vector overlaps the previous one (same values) rather than storing past ow
            int at = ow >= L ? Math.min(c0, ow - L) : 0;
            FloatVector s0 = tap3(buf, a + at, w0, w1, w2, FloatVector.zero(S));
            s0 = tap3(buf, b + at, w3, w4, w5, s0);
            s0 = tap3(buf, c + at, w6, w7, w8, s0);
            if (ow >= L) {
                s0.intoArray(y, out + at);
            } else {
                s0.intoArray(y, out, S.indexInRange(0, ow));
            }
        }
    }

    /** y[out + c] for c < ow at stride 2: stride-1 sums at padded columns 2c .. 2c + 2L - 1, even lanes kept. */
    private static void row3x3s2(float[] buf, int a, int b, int c, float[] w, int wo,
                                 float[] y, int out, int ow) {
        // vectors are broadcast here, not passed in: a vector argument of a method the JIT does
        // not inline is boxed on the heap
        FloatVector w0 = FloatVector.broadcast(S, w[wo]);
        FloatVector w1 = FloatVector.broadcast(S, w[wo + 1]);
        FloatVector w2 = FloatVector.broadcast(S, w[wo + 2]);
        FloatVector w3 = FloatVector.broadcast(S, w[wo + 3]);
        FloatVector w4 = FloatVector.broadcast(S, w[wo + 4]);
        FloatVector w5 = FloatVector.broadcast(S, w[wo + 5]);
        FloatVector w6 = FloatVector.broadcast(S, w[wo + 6]);
        FloatVector w7 = FloatVector.broadcast(S, w[wo + 7]);
        FloatVector w8 = FloatVector.broadcast(S, w[wo + 8]);
        for (int c0 = 0; c0 < ow; c0 += L) {
            int at = ow >= L ? Math.min(c0, ow - L) : 0;
            int i = 2 * at;
            FloatVector s0 = tap3(buf, a + i, w0, w1, w2, FloatVector.zero(S));
            FloatVector s1 = tap3(buf, a + i + L, w0, w1, w2, FloatVector.zero(S));
            s0 = tap3(buf, b + i, w3, w4, w5, s0);
            s1 = tap3(buf, b + i + L, w3, w4, w5, s1);
            s0 = tap3(buf, c + i, w6, w7, w8, s0);
            s1 = tap3(buf, c + i + L, w6, w7, w8, s1);
            FloatVector v = s0.rearrange(EVEN, s1);
            if (ow >= L) {
                v.intoArray(y, out + at);
            } else {
                v.intoArray(y, out, S.indexInRange(0, ow));
            }
        }
    }

    /** acc + buf[i] * k0 + buf[i + 1] * k1 + buf[i + 2] * k2, lane-wise. */
    private static FloatVector tap3(float[] buf, int i, FloatVector k0, FloatVector k1, FloatVector k2, FloatVector acc) {
        return FloatVector.fromArray(S, buf, i + 2).fma(k2,
                FloatVector.fromArray(S, buf, i + 1).fma(k1, FloatVector.fromArray(S, buf, i).fma(k0, acc)));
    }

    /**
     * Offset in buf of padded input row ih: the zero row (slot 3) outside the image, else slot
     * ih % 3, filled from x unless it already holds row ih (tags[slot]).
     */
    private static int inputRow(float[] x, int src, int h, int iw, int ih, float[] buf, int pw, int padLeft, int copy,
                                int[] tags) {
        if (ih < 0 || ih >= h) {
            return 3 * pw;
        }
        int slot = ih % 3;
        if (tags[slot] != ih) {
            System.arraycopy(x, src + ih * iw, buf, slot * pw + padLeft, copy);
            tags[slot] = ih;
        }
        return slot * pw;
    }

    /** Per-thread scratch of the 3x3 path: three padded input rows and a zero row, and which row each slot holds. */
    private static final class Ring {
        private final int[] tags = new int[3];
        private float[] rows = new float[0];

        float[] rows(int size) {
            if (rows.length < size) {
                rows = new float[size];
            }
            return rows;
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
        Epilogue e = epi;
        if (!e.isIdentity()) {
            if (e.residual() != null) {
                e = e.withResidual(e.residual(), e.residualOffset() + n * p.c() * e.residualLd(), e.residualLd());
            }
            e.apply(y, yo, oh * ow, ch, 0, 1, oh * ow);
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
        float[][] holder = ROW.get();
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        return holder[0];
    }

    private static float[] plane(int size) {
        float[][] holder = PLANE.get();
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        return holder[0];
    }
}
