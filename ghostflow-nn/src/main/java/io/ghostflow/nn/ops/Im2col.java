package io.ghostflow.nn.ops;

/**
 * Unfolds one image [C, H, W] into columns [C*KH*KW, OH*OW] (and folds back, summing), so a
 * convolution and both of its gradients become matrix products.
 */
public final class Im2col {
    private Im2col() {
    }

    public static int outSize(int in, int k, int stride, int padBegin, int padEnd) {
        return (in + padBegin + padEnd - k) / stride + 1;
    }

    /** Writes the columns of the image at {@code xOff} into {@code col}, rows {@code oh*ow} apart. */
    public static void unfold(float[] x, int xOff, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                              int oh, int ow, float[] col) {
        unfold(x, xOff, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, col, 0, oh * ow);
    }

    /**
     * Same, writing at column offset {@code colOff} of a matrix whose rows are {@code rowStride}
     * apart, so a whole batch can share one column matrix [C*KH*KW, N*OH*OW].
     */
    public static void unfold(float[] x, int xOff, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                              int oh, int ow, float[] col, int colOff, int rowStride) {
        int row = 0;
        for (int ci = 0; ci < c; ci++) {
            int plane = xOff + ci * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++, row++) {
                    int base = colOff + row * rowStride;
                    for (int oi = 0; oi < oh; oi++) {
                        int ii = oi * sh - ph + ki;
                        int dst = base + oi * ow;
                        if (ii < 0 || ii >= h) {
                            java.util.Arrays.fill(col, dst, dst + ow, 0f);
                            continue;
                        }
                        int src = plane + ii * w;
                        for (int oj = 0; oj < ow; oj++) {
                            int jj = oj * sw - pw + kj;
                            col[dst + oj] = jj < 0 || jj >= w ? 0f : x[src + jj];
                        }
                    }
                }
            }
        }
    }

    /** Adds columns back into image gradient {@code dx} (the adjoint of {@link #unfold}). */
    public static void fold(float[] col, int colOff, int rowStride, int c, int h, int w, int kh, int kw, int sh, int sw,
                            int ph, int pw, int oh, int ow, float[] dx, int dxOff) {
        int row = 0;
        for (int ci = 0; ci < c; ci++) {
            int plane = dxOff + ci * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++, row++) {
                    int base = colOff + row * rowStride;
                    for (int oi = 0; oi < oh; oi++) {
                        int ii = oi * sh - ph + ki;
                        if (ii < 0 || ii >= h) {
                            continue;
                        }
                        int src = base + oi * ow;
                        int dst = plane + ii * w;
                        for (int oj = 0; oj < ow; oj++) {
                            int jj = oj * sw - pw + kj;
                            if (jj >= 0 && jj < w) {
                                dx[dst + jj] += col[src + oj];
                            }
                        }
                    }
                }
            }
        }
    }
}
