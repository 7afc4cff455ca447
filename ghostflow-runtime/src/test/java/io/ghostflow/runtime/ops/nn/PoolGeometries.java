package io.ghostflow.runtime.ops.nn;

import java.util.Random;

/**
 * Random 2-D pooling geometry for the vector-versus-generic tests: ragged widths, kernels 1..5,
 * strides 1..3, begin and end pads, and output sizes with a last window that hangs over the end
 * (as ceil_mode produces).
 */
final class PoolGeometries {
    private PoolGeometries() {
    }

    static Window.Geometry random(Random random) {
        int kh = 1 + random.nextInt(5);
        int kw = 1 + random.nextInt(5);
        int sh = 1 + random.nextInt(3);
        int sw = 1 + random.nextInt(3);
        int ph = random.nextInt(kh);
        int pw = random.nextInt(kw);
        int ih = kh + random.nextInt(20);
        int iw = kw + random.nextInt(40);
        // Extra end padding (up to one stride) lets the last window start past the input.
        int oh = (ih + 2 * ph - kh + sh - 1 + random.nextInt(2) * (sh - 1)) / sh + 1;
        int ow = (iw + 2 * pw - kw + sw - 1 + random.nextInt(2) * (sw - 1)) / sw + 1;
        return new Window.Geometry(new int[] {kh, kw}, new int[] {sh, sw}, new int[] {1, 1},
                new int[] {ph, pw}, new int[] {ph, pw}, new int[] {ih, iw}, new int[] {oh, ow});
    }

    static float[] values(Random random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextFloat() * 20 - 10;
        }
        return x;
    }
}
