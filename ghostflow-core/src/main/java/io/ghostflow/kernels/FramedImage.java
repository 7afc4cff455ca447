package io.ghostflow.kernels;

import java.util.Arrays;

/** Copies of an image with its padding as zeros, for kernels that read every tap without bounds tests. */
final class FramedImage {
    private FramedImage() {
    }

    /**
     * Channels [c0, c1) of the image at x[xo] (p's C x H x W) into dst: channel c as a plane of ph
     * rows of pw floats from dst[c * ph * pw], the input row r at row padTop + r from column
     * padLeft, zeros everywhere else in the plane (pw and ph may exceed the padded size).
     */
    static void copy(Conv2d.Params p, float[] x, int xo, float[] dst, int ph, int pw, int c0, int c1) {
        copyRows(p, x, xo, dst, ph, pw, c0 * ph, c1 * ph);
    }

    /**
     * {@link #copy} by rows of the framed planes: rows [i0, i1) counted across the channels (ph per
     * channel), so that threads can split an image of few channels (a stem's 3) evenly.
     */
    static void copyRows(Conv2d.Params p, float[] x, int xo, float[] dst, int ph, int pw, int i0, int i1) {
        int h = p.h();
        int w = p.w();
        int top = p.padTop();
        int left = p.padLeft();
        for (int i = i0; i < i1; i++) {
            int c = i / ph;
            int r = i % ph - top;
            int d = i * pw;
            if (r < 0 || r >= h) {
                Arrays.fill(dst, d, d + pw, 0f);
                continue;
            }
            Arrays.fill(dst, d, d + left, 0f);
            System.arraycopy(x, xo + (c * h + r) * w, dst, d + left, w);
            Arrays.fill(dst, d + left + w, d + pw, 0f);
        }
    }
}
