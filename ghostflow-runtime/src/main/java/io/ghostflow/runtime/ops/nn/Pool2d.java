package io.ghostflow.runtime.ops.nn;

import io.ghostflow.core.Parallel;
import io.ghostflow.kernels.Deinterleave;
import io.ghostflow.kernels.MaxPoolStride2;
import io.ghostflow.kernels.ScratchFloats;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 2-D float fast path of MaxPool (without Indices) and AveragePool: window bounds are
 * clamped once per output row and column instead of testing every tap, and nothing is
 * allocated per element. Same results as the generic {@link Pool} loop (including its NaN rule
 * for max: a NaN wins only before any value has been taken).
 */
final class Pool2d {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ScratchFloats ROW = new ScratchFloats(1);
    /**
     * Output rows at least this wide take the vector AveragePool: narrower ones are dominated by
     * its per-row set-up (a 7 x 7 window over a 7 x 7 plane ran 0.7x of the generic loop).
     */
    private static final int AVERAGE_MIN_WIDTH = 4;

    private Pool2d() {
    }

    static void run(boolean max, boolean includePad, float[] x, float[] y, int planes, Window.Geometry g, int threads) {
        int ih = g.in()[0];
        int iw = g.in()[1];
        int oh = g.out()[0];
        int ow = g.out()[1];
        long work = (long) oh * ow * g.kernelSize();
        boolean undilated = g.d()[0] == 1 && g.d()[1] == 1;
        boolean separable = max && undilated;
        // Windows that tile the rows exactly (kernel height = stride, no vertical padding, every
        // input row used) never cross from one plane into the next, so a run of planes is one tall
        // plane: LeNet's 2x2 pools on 28 x 28 and 10 x 10 planes spent more on the per-plane set-up
        // than on the windows.
        boolean stackable = separable && g.k()[0] == g.s()[0] && g.padBegin()[0] == 0 && g.padEnd()[0] == 0
                && ih == oh * g.s()[0];
        Parallel.forRange(threads, planes, (int) Math.max(1, 16384 / Math.max(1, work)), (p0, p1) -> {
            // Output rows may spill vector lanes into later rows and planes of this range (computed later), not past it.
            int limit = p1 * oh * ow;
            if (stackable && p1 - p0 > 1 && maxPlane(x, p0 * ih * iw, y, p0 * oh * ow, stacked(g, p1 - p0), limit)) {
                return;
            }
            for (int pl = p0; pl < p1; pl++) {
                int xo = pl * ih * iw;
                // NaN and infinities (-inf ahead of a NaN in a window) keep the generic loop's rule
                // (NaN wins only before any value has been taken): such a plane is redone by it.
                if (!max && undilated && ow >= AVERAGE_MIN_WIDTH) {
                    Pool2dAverage.plane(x, xo, y, pl * oh * ow, g, includePad);
                } else if (!separable || !maxPlane(x, xo, y, pl * oh * ow, g, limit)) {
                    plane(max, includePad, x, xo, y, pl * oh * ow, g);
                }
            }
        });
    }

    /** The geometry of {@code planes} planes of g stacked into one. */
    private static Window.Geometry stacked(Window.Geometry g, int planes) {
        return new Window.Geometry(g.k(), g.s(), g.d(), g.padBegin(), g.padEnd(),
                new int[] {g.in()[0] * planes, g.in()[1]}, new int[] {g.out()[0] * planes, g.out()[1]});
    }

    /**
     * Max pooling without dilation, separably and all in vectors: per output row, the max of its
     * window's input rows goes into a scratch row framed by -inf (the padding), then the max over
     * each window's columns at every column, of which every sw-th is an output (for stride 2 picked
     * by one-vector rearranges, {@link Deinterleave#evens}). The max is a compare-and-blend: for
     * finite values it equals the generic loop's (keeping the first of -0 and +0) and avoids
     * Math.max's NaN-handling sequence. Returns false, leaving the plane to the generic loop, if
     * the plane holds a NaN or an infinity. Vectors are written out at each use: a vector passed
     * to or returned from a method C2 does not inline is boxed. A row's last vector of outputs may
     * spill into the next rows or planes below {@code limit}, which are computed (rewritten) later.
     */
    private static boolean maxPlane(float[] x, int xo, float[] y, int yo, Window.Geometry g, int limit) {
        int kh = g.k()[0];
        int kw = g.k()[1];
        int sh = g.s()[0];
        int sw = g.s()[1];
        int ph = g.padBegin()[0];
        int pw = g.padBegin()[1];
        int ih = g.in()[0];
        int iw = g.in()[1];
        int oh = g.out()[0];
        int ow = g.out()[1];
        if (MaxPoolStride2.suits(kh, kw, sh, sw, ph, pw, ih, iw, oh, ow)) {
            return MaxPoolStride2.plane(x, xo, y, yo, kh, kw, sh, ph, pw, ih, iw, oh, ow, limit);
        }
        int lanes = S.length();
        // Enough framed columns for every window plus one vector of over-read, then the window maxima.
        int framed = Math.max(pw + iw, (ow - 1) * sw + kw + lanes) + lanes;
        float[] scratch = scratch(2 * framed);
        java.util.Arrays.fill(scratch, 0, framed, Float.NEGATIVE_INFINITY);
        float probe = 0f;
        for (int oy = 0; oy < oh; oy++) {
            int y0 = oy * sh - ph;
            int kyLo = Math.max(0, -y0);
            int kyHi = Math.min(kh, ih - y0);
            int out = yo + oy * ow;
            if (kyHi <= kyLo) {
                java.util.Arrays.fill(y, out, out + ow, Float.NEGATIVE_INFINITY);
                continue;
            }
            probe += rowMax(x, xo + (y0 + kyLo) * iw, iw, kyHi - kyLo, scratch, pw);
            windowMax(scratch, framed, kw, sw, y, out, ow, limit);
        }
        return !Float.isNaN(probe);
    }

    /**
     * dst[dOff + c] = max over r < rows of x[r0 + r * iw + c], for c < iw. Returns a probe that is
     * NaN if any value read is NaN or infinite (the sum of value * 0; for 2 and 3 rows, of the rows'
     * sum * 0, which a sum overflowing to infinity also trips: the plane then merely takes the
     * generic loop), for the caller's fallback: FMAs on otherwise idle ports instead of a separate
     * pass over the plane.
     */
    private static float rowMax(float[] x, int r0, int iw, int rows, float[] dst, int dOff) {
        int lanes = S.length();
        if (iw < lanes) {
            float probe = 0f;
            for (int c = 0; c < iw; c++) {
                float m = x[r0 + c];
                probe += m * 0f;
                for (int r = 1; r < rows; r++) {
                    float w = x[r0 + r * iw + c];
                    probe += w * 0f;
                    m = w > m ? w : m;
                }
                dst[dOff + c] = m;
            }
            return probe;
        }
        FloatVector zero = FloatVector.zero(S);
        FloatVector probe = zero;
        // The ragged end is one more vector ending at iw, overlapping values already written.
        for (int c = 0; c < iw; c = c + lanes < iw && c + 2 * lanes > iw ? iw - lanes : c + lanes) {
            FloatVector v = FloatVector.fromArray(S, x, r0 + c);
            if (rows == 3) {
                // The common 3- and 2-row windows written out: a tap loop with a run-time count compiled
                // to a loop per vector whose overhead and carried chain cost more than its work.
                FloatVector w1 = FloatVector.fromArray(S, x, r0 + iw + c);
                FloatVector w2 = FloatVector.fromArray(S, x, r0 + 2 * iw + c);
                probe = v.add(w1).add(w2).fma(zero, probe);
                v = v.blend(w1, v.compare(VectorOperators.LT, w1));
                v = v.blend(w2, v.compare(VectorOperators.LT, w2));
            } else if (rows == 2) {
                FloatVector w1 = FloatVector.fromArray(S, x, r0 + iw + c);
                probe = v.add(w1).fma(zero, probe);
                v = v.blend(w1, v.compare(VectorOperators.LT, w1));
            } else {
                probe = v.fma(zero, probe);
                for (int r = 1; r < rows; r++) {
                    FloatVector w = FloatVector.fromArray(S, x, r0 + r * iw + c);
                    probe = w.fma(zero, probe);
                    v = v.blend(w, v.compare(VectorOperators.LT, w));
                }
            }
            v.intoArray(dst, dOff + c);
        }
        return probe.reduceLanes(VectorOperators.ADD);
    }

    /** The window max at every framed column, then every sw-th of them. */
    private static void windowMax(float[] scratch, int framed, int kw, int sw, float[] y, int out, int ow, int limit) {
        int lanes = S.length();
        int span = (ow - 1) * sw + 1;
        for (int j = 0; j < span; j += lanes) {
            FloatVector v = FloatVector.fromArray(S, scratch, j);
            if (kw == 3) {
                FloatVector w1 = FloatVector.fromArray(S, scratch, j + 1);
                FloatVector w2 = FloatVector.fromArray(S, scratch, j + 2);
                v = v.blend(w1, v.compare(VectorOperators.LT, w1));
                v = v.blend(w2, v.compare(VectorOperators.LT, w2));
            } else if (kw == 2) {
                FloatVector w1 = FloatVector.fromArray(S, scratch, j + 1);
                v = v.blend(w1, v.compare(VectorOperators.LT, w1));
            } else {
                for (int kx = 1; kx < kw; kx++) {
                    FloatVector w = FloatVector.fromArray(S, scratch, j + kx);
                    v = v.blend(w, v.compare(VectorOperators.LT, w));
                }
            }
            v.intoArray(scratch, framed + j);
        }
        if (sw == 2) {
            // Every other window max, in vectors: one rearrange per input vector, no scalar pick.
            Deinterleave.evens(scratch, framed, ow, y, out, limit);
            return;
        }
        for (int ox = 0, j = framed; ox < ow; ox++, j += sw) {
            y[out + ox] = scratch[j];
        }
    }

    private static float[] scratch(int n) {
        return ROW.get(0, n);
    }

    /**
     * The generic loop, tap by tap: dilated windows, average pools with output rows under
     * {@link #AVERAGE_MIN_WIDTH}, and max-pool planes holding NaN or infinities.
     */
    static void plane(boolean max, boolean includePad, float[] x, int xo, float[] y, int yo, Window.Geometry g) {
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
        for (int oy = 0; oy < oh; oy++) {
            int y0 = oy * sh - ph;
            // Taps ky with 0 <= y0 + ky*dh < ih.
            int kyLo = y0 >= 0 ? 0 : (-y0 + dh - 1) / dh;
            int kyHi = Math.min(kh, y0 < ih ? (ih - 1 - y0) / dh + 1 : 0);
            int padRows = 0;
            if (includePad) {
                for (int ky = 0; ky < kh; ky++) {
                    int q = y0 + ky * dh;
                    if (q >= -ph && q < ih + g.padEnd()[0]) {
                        padRows++;
                    }
                }
            }
            // Interior columns (whole window inside the row) of a row whose window is vertically
            // inside: max over the taps with no bounds arithmetic per output.
            int oxIn0 = Math.min(ow, (pw + sw - 1) / sw);
            int oxIn1 = Math.max(oxIn0, Math.min(ow, Math.floorDiv(iw - 1 - (kw - 1) * dw + pw, sw) + 1));
            boolean fullRows = max && kyLo == 0 && kyHi == kh;
            for (int ox = 0; ox < ow; ox++) {
                int x0 = ox * sw - pw;
                if (fullRows && ox >= oxIn0 && ox < oxIn1) {
                    int base = xo + y0 * iw + x0;
                    float best = x[base];
                    // -inf first would let a later NaN win in the general rule: leave that to it.
                    if (best != Float.NEGATIVE_INFINITY) {
                        for (int ky = 0; ky < kh; ky++) {
                            int row = base + ky * dh * iw;
                            for (int kx = 0; kx < kw; kx++) {
                                float v = x[row + kx * dw];
                                if (v > best) {
                                    best = v;
                                }
                            }
                        }
                        y[yo + oy * ow + ox] = best;
                        continue;
                    }
                }
                int kxLo = x0 >= 0 ? 0 : (-x0 + dw - 1) / dw;
                int kxHi = Math.min(kw, x0 < iw ? (iw - 1 - x0) / dw + 1 : 0);
                float r;
                if (max) {
                    float best = Float.NEGATIVE_INFINITY;
                    boolean taken = false;
                    for (int ky = kyLo; ky < kyHi; ky++) {
                        int row = xo + (y0 + ky * dh) * iw + x0;
                        for (int kx = kxLo; kx < kxHi; kx++) {
                            float v = x[row + kx * dw];
                            if (v > best || !taken && Float.isNaN(v)) {
                                best = v;
                                taken = true;
                            }
                        }
                    }
                    r = best;
                } else {
                    double sum = 0;
                    for (int ky = kyLo; ky < kyHi; ky++) {
                        int row = xo + (y0 + ky * dh) * iw + x0;
                        for (int kx = kxLo; kx < kxHi; kx++) {
                            sum += x[row + kx * dw];
                        }
                    }
                    int count;
                    if (includePad) {
                        int padCols = 0;
                        for (int kx = 0; kx < kw; kx++) {
                            int q = x0 + kx * dw;
                            if (q >= -pw && q < iw + g.padEnd()[1]) {
                                padCols++;
                            }
                        }
                        count = padRows * padCols;
                    } else {
                        count = Math.max(1, Math.max(0, kyHi - kyLo) * Math.max(0, kxHi - kxLo));
                    }
                    r = (float) (sum / count);
                }
                y[yo + oy * ow + ox] = r;
            }
        }
    }
}
