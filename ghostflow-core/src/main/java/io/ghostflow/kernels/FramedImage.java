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
        int h = p.h();
        int w = p.w();
        int top = p.padTop();
        int left = p.padLeft();
        for (int c = c0; c < c1; c++) {
            int plane = c * ph * pw;
            Arrays.fill(dst, plane, plane + top * pw, 0f);
            for (int r = 0; r < h; r++) {
                int d = plane + (top + r) * pw;
                Arrays.fill(dst, d, d + left, 0f);
                System.arraycopy(x, xo + (c * h + r) * w, dst, d + left, w);
                Arrays.fill(dst, d + left + w, d + pw, 0f);
            }
            Arrays.fill(dst, plane + (top + h) * pw, plane + ph * pw, 0f);
        }
    }
}
