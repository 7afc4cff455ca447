package io.ghostflow.runtime.ops.nn;

import io.ghostflow.core.Parallel;
import io.ghostflow.runtime.ops.linalg.MatMulKernel;

/**
 * Float convolution behind one facade, so a Vector API kernel (pre-packed weights, depthwise)
 * can replace it later. Generic path: im2col (any number of spatial dims) then one matrix
 * product per image and group; 1x1/stride-1 convolutions skip im2col, depthwise 2-D convolutions
 * run directly.
 */
public final class ConvKernel {
    private ConvKernel() {
    }

    /**
     * y[N, M, out...] = conv(x[N, C, in...], w[M, C/group, k...]) + bias[M] (bias may be null).
     */
    static float[] forward(float[] x, int n, int c, float[] w, int m, float[] bias, int group, Window.Geometry g, int threads) {
        int cg = c / group;
        int mg = m / group;
        int kk = g.kernelSize();
        int inSz = g.inSize();
        int outSz = g.outSize();
        float[] y = new float[n * m * outSz];
        if (g.rank() == 2 && cg == 1 && mg == 1) {
            depthwise2d(x, n, c, w, g, y, threads);
        } else {
            boolean pointwise = isPointwise(g);
            float[] col = pointwise ? null : new float[cg * kk * outSz];
            for (int b = 0; b < n; b++) {
                for (int gi = 0; gi < group; gi++) {
                    int xOff = (b * c + gi * cg) * inSz;
                    float[] src;
                    int srcOff;
                    if (pointwise) {
                        src = x;
                        srcOff = xOff;
                    } else {
                        im2col(x, xOff, cg, g, col);
                        src = col;
                        srcOff = 0;
                    }
                    MatMulKernel.sgemm(mg, outSz, cg * kk, w, gi * mg * cg * kk, cg * kk, false, src, srcOff, outSz, false,
                            y, (b * m + gi * mg) * outSz, outSz, false, threads);
                }
            }
        }
        if (bias != null) {
            for (int b = 0; b < n; b++) {
                for (int o = 0; o < m; o++) {
                    float bv = bias[o];
                    int off = (b * m + o) * outSz;
                    for (int i = 0; i < outSz; i++) {
                        y[off + i] += bv;
                    }
                }
            }
        }
        return y;
    }

    private static boolean isPointwise(Window.Geometry g) {
        for (int i = 0; i < g.rank(); i++) {
            if (g.k()[i] != 1 || g.s()[i] != 1 || g.padBegin()[i] != 0 || g.in()[i] != g.out()[i]) {
                return false;
            }
        }
        return true;
    }

    /** col[(ch * K + kernel offset) * outSz + output position] = x at that tap, 0 in the padding. */
    static void im2col(float[] x, int xOff, int channels, Window.Geometry g, float[] col) {
        if (g.rank() == 2) {
            im2col2d(x, xOff, channels, g, col);
            return;
        }
        int nd = g.rank();
        int kk = g.kernelSize();
        int inSz = g.inSize();
        int outSz = g.outSize();
        int[] in = g.in();
        int[] out = g.out();
        int[] kc = new int[nd];
        int[] oc = new int[nd];
        for (int ch = 0; ch < channels; ch++) {
            int xc = xOff + ch * inSz;
            java.util.Arrays.fill(kc, 0);
            for (int kIdx = 0; kIdx < kk; kIdx++) {
                int row = (ch * kk + kIdx) * outSz;
                java.util.Arrays.fill(oc, 0);
                for (int o = 0; o < outSz; o++) {
                    int idx = 0;
                    boolean ok = true;
                    for (int d = 0; d < nd; d++) {
                        int p = oc[d] * g.s()[d] - g.padBegin()[d] + kc[d] * g.d()[d];
                        if (p < 0 || p >= in[d]) {
                            ok = false;
                            break;
                        }
                        idx = idx * in[d] + p;
                    }
                    col[row + o] = ok ? x[xc + idx] : 0f;
                    increment(oc, out);
                }
                increment(kc, g.k());
            }
        }
    }

    private static void im2col2d(float[] x, int xOff, int channels, Window.Geometry g, float[] col) {
        int kh = g.k()[0];
        int kw = g.k()[1];
        int sh = g.s()[0];
        int sw = g.s()[1];
        int dh = g.d()[0];
        int dw = g.d()[1];
        int ph = g.padBegin()[0];
        int pw = g.padBegin()[1];
        int ih = g.in()[0];
        int iw = g.in()[1];
        int oh = g.out()[0];
        int ow = g.out()[1];
        int outSz = oh * ow;
        for (int ch = 0; ch < channels; ch++) {
            int xc = xOff + ch * ih * iw;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int row = ((ch * kh + ky) * kw + kx) * outSz;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * sh - ph + ky * dh;
                        int r = row + oy * ow;
                        if (iy < 0 || iy >= ih) {
                            java.util.Arrays.fill(col, r, r + ow, 0f);
                            continue;
                        }
                        int xr = xc + iy * iw;
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ox * sw - pw + kx * dw;
                            col[r + ox] = ix >= 0 && ix < iw ? x[xr + ix] : 0f;
                        }
                    }
                }
            }
        }
    }

    private static void depthwise2d(float[] x, int n, int c, float[] w, Window.Geometry g, float[] y, int threads) {
        int kh = g.k()[0];
        int kw = g.k()[1];
        int sh = g.s()[0];
        int sw = g.s()[1];
        int dh = g.d()[0];
        int dw = g.d()[1];
        int ph = g.padBegin()[0];
        int pw = g.padBegin()[1];
        int ih = g.in()[0];
        int iw = g.in()[1];
        int oh = g.out()[0];
        int ow = g.out()[1];
        Parallel.forRange(threads, n * c, 4, (p0, p1) -> {
            for (int plane = p0; plane < p1; plane++) {
                int ch = plane % c;
                int xo = plane * ih * iw;
                int yo = plane * oh * ow;
                int wo = ch * kh * kw;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float s = 0f;
                        for (int ky = 0; ky < kh; ky++) {
                            int iy = oy * sh - ph + ky * dh;
                            if (iy < 0 || iy >= ih) {
                                continue;
                            }
                            for (int kx = 0; kx < kw; kx++) {
                                int ix = ox * sw - pw + kx * dw;
                                if (ix >= 0 && ix < iw) {
                                    s += x[xo + iy * iw + ix] * w[wo + ky * kw + kx];
                                }
                            }
                        }
                        y[yo + oy * ow + ox] = s;
                    }
                }
            }
        });
    }

    /** Odometer step over a row-major index tuple. */
    static void increment(int[] idx, int[] dims) {
        for (int d = idx.length - 1; d >= 0; d--) {
            if (++idx[d] < dims[d]) {
                return;
            }
            idx[d] = 0;
        }
    }
}
