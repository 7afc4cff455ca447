package io.ghostflow.runtime.ops.nn;

import io.ghostflow.kernels.Deinterleave;
import io.ghostflow.kernels.ScratchFloats;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2-D AveragePool without dilation, separably and in vectors: per output row, the sum of its
 * window's input rows goes into a scratch row framed by zeros (the padding), then the sum over
 * each window's columns at every column, of which every sw-th is kept, divided by the window's
 * count. The counts are the generic loop's: taps inside the image, or with count_include_pad the
 * taps inside the declared padding (a ceil-mode overhang does not count). Sums run in float
 * lanes (the generic loop sums in double), so results may differ from it in the last bits.
 */
final class Pool2dAverage {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Slot 0: the framed row and the window sums; slot 1: the column counts of the output row. */
    private static final ScratchFloats ROW = new ScratchFloats(2);
    private static final int[] NO_PADS = {0, 0};

    private Pool2dAverage() {
    }

    static void plane(float[] x, int xo, float[] y, int yo, Window.Geometry g, boolean includePad) {
        int[] k = g.k();
        int[] st = g.s();
        int[] pad = g.padBegin();
        int[] end = includePad ? g.padEnd() : NO_PADS;
        int ih = g.in()[0];
        int iw = g.in()[1];
        int ow = g.out()[1];
        int lanes = S.length();
        int framed = Math.max(pad[1] + iw, (ow - 1) * st[1] + k[1] + lanes) + lanes;
        float[] s = ROW.get(0, 2 * framed);
        Arrays.fill(s, 0, framed, 0f);
        float[] cols = ROW.get(1, ow + lanes);
        for (int ox = 0; ox < ow; ox++) {
            cols[ox] = count(ox * st[1] - pad[1], k[1], iw, includePad ? pad[1] : 0, end[1]);
        }
        for (int oy = 0; oy < g.out()[0]; oy++) {
            int y0 = oy * st[0] - pad[0];
            int lo = Math.max(0, y0);
            int hi = Math.min(ih, y0 + k[0]);
            int rows = count(y0, k[0], ih, includePad ? pad[0] : 0, end[0]);
            if (hi > lo) {
                rowSum(x, xo + lo * iw, iw, hi - lo, s, pad[1]);
            } else {
                Arrays.fill(s, pad[1], pad[1] + iw, 0f);
            }
            windowSum(s, framed, k[1], st[1], ow);
            int out = yo + oy * ow;
            for (int ox = 0; ox < ow; ox++) {
                float c = rows * cols[ox];
                // the generic loop divides by at least 1 when pads do not count (an empty window gives 0)
                y[out + ox] = s[framed + ox] / (includePad ? c : Math.max(1f, c));
            }
        }
    }

    /** Taps t < k with lo - pad <= x0 + t < n + padEnd (pad = padEnd = 0: the taps inside [0, n)). */
    private static int count(int x0, int k, int n, int pad, int padEnd) {
        return Math.max(0, Math.min(x0 + k, n + padEnd) - Math.max(x0, -pad));
    }

    /** dst[dOff + c] = the sum over r < rows of x[r0 + r * iw + c], for c < iw. */
    private static void rowSum(float[] x, int r0, int iw, int rows, float[] dst, int dOff) {
        int lanes = S.length();
        if (iw < lanes) {
            for (int c = 0; c < iw; c++) {
                float v = x[r0 + c];
                for (int r = 1; r < rows; r++) {
                    v += x[r0 + r * iw + c];
                }
                dst[dOff + c] = v;
            }
            return;
        }
        // The ragged end is one more vector ending at iw, rewriting values already written.
        for (int c = 0; c < iw; c = c + lanes < iw && c + 2 * lanes > iw ? iw - lanes : c + lanes) {
            FloatVector v = FloatVector.fromArray(S, x, r0 + c);
            if (rows == 3) {
                // 2 and 3 rows written out: a tap loop with a run-time count costs more than its adds
                v = v.add(FloatVector.fromArray(S, x, r0 + iw + c)).add(FloatVector.fromArray(S, x, r0 + 2 * iw + c));
            } else if (rows == 2) {
                v = v.add(FloatVector.fromArray(S, x, r0 + iw + c));
            } else {
                for (int r = 1; r < rows; r++) {
                    v = v.add(FloatVector.fromArray(S, x, r0 + r * iw + c));
                }
            }
            v.intoArray(dst, dOff + c);
        }
    }

    /** The window sums at every framed column into scratch[framed ..], then every sw-th of them to its front. */
    private static void windowSum(float[] scratch, int framed, int kw, int sw, int ow) {
        int lanes = S.length();
        int span = (ow - 1) * sw + 1;
        for (int j = 0; j < span; j += lanes) {
            FloatVector v = FloatVector.fromArray(S, scratch, j);
            if (kw == 3) {
                v = v.add(FloatVector.fromArray(S, scratch, j + 1)).add(FloatVector.fromArray(S, scratch, j + 2));
            } else if (kw == 2) {
                v = v.add(FloatVector.fromArray(S, scratch, j + 1));
            } else {
                for (int kx = 1; kx < kw; kx++) {
                    v = v.add(FloatVector.fromArray(S, scratch, j + kx));
                }
            }
            v.intoArray(scratch, framed + j);
        }
        if (sw == 2) {
            Deinterleave.evens(scratch, framed, ow, scratch, framed);
        } else if (sw > 2) {
            for (int ox = 1; ox < ow; ox++) {
                scratch[framed + ox] = scratch[framed + ox * sw];
            }
        }
    }
}
