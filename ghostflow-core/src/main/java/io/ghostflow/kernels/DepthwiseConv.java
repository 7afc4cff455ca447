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
            for (int c = 0; c < ow; c += L) {
                VectorMask<Float> m = S.indexInRange(c, ow);
                FloatVector acc = FloatVector.zero(S);
                for (int kh = 0; kh < kH; kh++) {
                    int rowBase = (r * sH + kh * dH) * pw + c * sW;
                    for (int kw = 0; kw < kW; kw++) {
                        int at = rowBase + kw * dW;
                        FloatVector v = sW == 1 ? FloatVector.fromArray(S, pad, at)
                                : FloatVector.fromArray(S, pad, at, gatherMap, 0);
                        acc = v.fma(FloatVector.broadcast(S, w[wo + kh * kW + kw]), acc);
                    }
                }
                if (m.allTrue()) {
                    acc.intoArray(y, out + c);
                } else {
                    acc.intoArray(y, out + c, m);
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

    private static float[] plane(int size) {
        float[][] holder = PLANE.get();
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        return holder[0];
    }
}
