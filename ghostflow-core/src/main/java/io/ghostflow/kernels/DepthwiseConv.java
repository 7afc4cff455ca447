package io.ghostflow.kernels;

import io.ghostflow.core.Parallel;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise convolution (groups == C == outC): each channel plane is copied once into a
 * zero-padded scratch plane, so the tap loops need no bounds tests, then every output row is
 * accumulated along OW in vectors: contiguous loads for stride 1, gathers for larger strides.
 * The epilogue runs on each finished output plane while it is in cache.
 */
final class DepthwiseConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[1][0]);
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
        Parallel.forRange(threads, planes, grain, (s, e) -> {
            for (int plane = s; plane < e; plane++) {
                runPlane(p, w, x, xOff, y, yOff, epi, plane, gatherMap);
            }
        });
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
