package io.ghostflow.kernels;

import static io.ghostflow.kernels.Deinterleave.EVENS_FIRST;
import static io.ghostflow.kernels.Deinterleave.ODDS_FIRST;
import static io.ghostflow.kernels.Deinterleave.UPPER_HALF;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling with windows 2 or 3 columns wide at column stride 2, inside the plane or with one
 * padding row above and one column to the left (windows clipped at the bottom and right):
 * LeNet's 2 x 2, squeezenet1_1's and resnet18's 3 x 3 pools. Each vector of L outputs is computed
 * in registers from the input: the column maxima of the window rows over 2L columns (and over the
 * 2L columns two further on, for 3-wide windows), split into even and odd columns, and the maximum
 * of the window's first, second (and third) column from those: per input vector and row one
 * compare-and-blend, where maxima at offsets 0, 1 and 2 before the split took three (squeezenet1_1's
 * 64 x 111 x 111 pool alone, input in cache, probe included: 0.126-0.136 against 0.171 ms; in the
 * model its three pools 0.26 against 0.36 ms; resnet18's pool 0.18-0.20 against 0.22-0.24 ms on
 * the separable path it took before).
 * The separable path it replaces stored the column maxima and read them back shifted by one and
 * two floats, loads that overlap the stores just made and wait for them (LeNet's two pools were a
 * quarter of its run time). Ties go as there: the first row of a column, then the first column.
 */
public final class MaxPoolStride2 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorMask<Float> FIRST_LANE = VectorMask.fromLong(S, 1L);

    private MaxPoolStride2() {
    }

    /**
     * Whether this kernel pools the given geometry: undilated, windows 2 or 3 wide at column stride
     * 2, padding of at most one row above and one column to the left (resnet's 3 x 3 stride-2 pool)
     * and any below and to the right, every window holding at least one input; 16 lanes or more.
     * With 8-lane vectors (emulated here with -XX:MaxVectorSize=32 on an AVX-512 machine) C2
     * compiled this method with its vector calls left to the Vector API's Java fallback, 33-100 MB
     * allocated per squeezenet1_1 run, so narrower vectors keep the separable path.
     */
    public static boolean suits(int kh, int kw, int sh, int sw, int padTop, int padLeft, int ih, int iw, int oh,
                                int ow) {
        return L >= 16 && sw == 2 && (kw == 2 || kw == 3) && kh >= 1 && sh >= 1 && oh > 0 && ow > 0
                && padTop >= 0 && padTop <= 1 && padTop < kh && padLeft >= 0 && padLeft <= 1 && padLeft < kw
                && (long) (oh - 1) * sh - padTop < ih && (long) (ow - 1) * 2 - padLeft < iw;
    }

    /**
     * y[yo + oy * ow + ox] = the max of the window at (oy * sh - padTop, 2 * ox - padLeft) of the
     * plane at x[xo] (ih x iw), over its taps inside the plane, for a geometry that {@link #suits}.
     * Returns false, having written nothing meaningful, if a window holds a NaN or an infinity (the
     * caller's generic loop decides those; a value next to a window, read by a vector but not
     * pooled, may send the plane there too). A row's last vector may write up to {@code limit}
     * (later rows, computed after).
     */
    public static boolean plane(float[] x, int xo, float[] y, int yo, int kh, int kw, int sh, int padTop, int padLeft,
                                int ih, int iw, int oh, int ow, int limit) {
        // From oEnd on, windows end past the row. With a padding column, output 0's window starts one
        // float before the row: its first lane reads the previous row's last value, replaced by -inf
        // (never taken) after the column maxima.
        // (floor division: a row narrower than the window has no such output)
        int oEnd = Math.max(0, Math.min(ow, Math.floorDiv(iw - kw + padLeft, 2) + 1));
        // NaN once a value read is NaN or infinite: sums of the values times 0. Only 3 x 3 windows fold the
        // check into their rows; other planes are checked in one pass first (per row, LeNet's 2 x 2 pools
        // over stacked planes ran 1.1-1.2x slower).
        boolean folded = kw == 3 && kh == 3;
        float probe = folded ? 0f : probe(x, xo, Math.min(ih, (oh - 1) * sh - padTop + kh) * iw);
        if (Float.isNaN(probe)) {
            return false;
        }
        for (int oy = 0; oy < oh; oy++) {
            int top = oy * sh - padTop;
            int r0 = Math.max(0, top);
            int rows = Math.min(ih, top + kh) - r0;
            int row = xo + r0 * iw;
            int out = yo + oy * ow;
            int o = 0;
            boolean probed = false;
            if (row - padLeft < 0) {
                // the array's first row: no float before it to read
                y[out] = window(x, row, rows, -padLeft, kw, iw);
                o = 1;
            } else if (folded && rows == 3) {
                // Steps while start + 2o + reach < x.length (reach as in fullWindows3x3).
                int start = row - padLeft;
                int oStop = Math.min(oEnd, Math.floorDiv(x.length - (2 * iw + 2 * L + 1) - start - 1, 2) + 1);
                probe += fullWindows3x3(x, start, iw, y, out, oStop, ow, padLeft, limit);
                o = oStop <= 0 ? 0 : (oStop + L - 1) / L * L;
                probed = o >= ow;
            }
            if (!probed) {
                o = windows(x, row - padLeft, rows, iw, kw, y, out, o, oEnd, ow, padLeft, limit);
                if (folded) {
                    probe += probe(x, row, rows * iw);
                }
            }
            // Windows past the row's end, and near the end of the array: output by output, in the same order.
            for (o = Math.min(o, oEnd); o < ow; o++) {
                y[out + o] = window(x, row, rows, 2 * o - padLeft, kw, iw);
            }
        }
        return !Float.isNaN(probe);
    }

    /**
     * The vector steps of one output row for windows of any height: outputs [o, oEnd) in steps of
     * L while a step's reads stay inside x, from the window rows whose first column is x[start]
     * (start is the row's first float less padLeft). Returns the first output not written.
     */
    private static int windows(float[] x, int start, int rows, int iw, int kw, float[] y, int out, int o, int oEnd,
                               int ow, int padLeft, int limit) {
        // Furthest float a vector step at column c reads: 2L + 1 columns on (at offset 2 for 3-wide windows).
        int reach = (rows - 1) * iw + 2 * L + 1;
        FloatVector minusInf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (; o < oEnd && start + 2 * o + reach < x.length; o += L) {
            int c = start + 2 * o;
            VectorMask<Float> padding = VectorMask.fromLong(S, o == 0 ? padLeft : 0);
            // Column maxima over the window rows: columns c .. c + 2L (v0, v1) and, for 3-wide
            // windows, the same shifted by two columns (v2, v3).
            FloatVector v0 = FloatVector.fromArray(S, x, c);
            FloatVector v1 = FloatVector.fromArray(S, x, c + L);
            for (int r = c + iw, end = c + rows * iw; r < end; r += iw) {
                FloatVector w = FloatVector.fromArray(S, x, r);
                v0 = v0.blend(w, v0.compare(VectorOperators.LT, w));
                w = FloatVector.fromArray(S, x, r + L);
                v1 = v1.blend(w, v1.compare(VectorOperators.LT, w));
            }
            v0 = v0.blend(minusInf, padding);
            // Window column 0 of each output is an even column, column 1 an odd one.
            FloatVector m = v0.rearrange(EVENS_FIRST).blend(v1.rearrange(ODDS_FIRST), UPPER_HALF);
            FloatVector odd = v0.rearrange(ODDS_FIRST).blend(v1.rearrange(EVENS_FIRST), UPPER_HALF);
            m = m.blend(odd, m.compare(VectorOperators.LT, odd));
            if (kw == 3) {
                FloatVector v2 = FloatVector.fromArray(S, x, c + 2);
                FloatVector v3 = FloatVector.fromArray(S, x, c + L + 2);
                for (int r = c + iw, end = c + rows * iw; r < end; r += iw) {
                    FloatVector w = FloatVector.fromArray(S, x, r + 2);
                    v2 = v2.blend(w, v2.compare(VectorOperators.LT, w));
                    w = FloatVector.fromArray(S, x, r + L + 2);
                    v3 = v3.blend(w, v3.compare(VectorOperators.LT, w));
                }
                FloatVector third = v2.rearrange(EVENS_FIRST).blend(v3.rearrange(ODDS_FIRST), UPPER_HALF);
                m = m.blend(third, m.compare(VectorOperators.LT, third));
            }
            store(m, y, out, o, ow, limit);
        }
        return o;
    }

    /**
     * {@link #windows} for 3 x 3 windows with all three rows inside the plane (every row of
     * squeezenet1_1's and resnet18's pools but a clipped first or last one), outputs [0, oStop):
     * the rows written out, and the check for NaN and infinity folded in. Returns NaN if a value
     * heading a window's column is NaN or infinite, else 0. A separate pass over the plane first
     * took 12% of the pool on 27 x 27 planes and 25% on 111 x 111 ones, which come from L3.
     */
    private static float fullWindows3x3(float[] x, int start, int iw, float[] y, int out, int oStop, int ow,
                                        int padLeft, int limit) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector probe = zero;
        for (int o = 0; o < oStop; o += L) {
            int c = start + 2 * o;
            FloatVector a0 = FloatVector.fromArray(S, x, c);
            FloatVector a1 = FloatVector.fromArray(S, x, c + iw);
            FloatVector a2 = FloatVector.fromArray(S, x, c + 2 * iw);
            FloatVector b0 = FloatVector.fromArray(S, x, c + L);
            FloatVector b1 = FloatVector.fromArray(S, x, c + L + iw);
            FloatVector b2 = FloatVector.fromArray(S, x, c + L + 2 * iw);
            FloatVector d0 = FloatVector.fromArray(S, x, c + L + 2);
            FloatVector d1 = FloatVector.fromArray(S, x, c + L + 2 + iw);
            FloatVector d2 = FloatVector.fromArray(S, x, c + L + 2 + 2 * iw);
            // The top row of every column a window of this step covers (c .. c + 2L, in a, b or d) is
            // all the check needs: with a finite value heading each column, the column maxima and the
            // generic loop (a NaN wins only before any value is taken) both give the maximum of the
            // values that are not NaN; a NaN or -inf heading a column sends the plane to the caller.
            probe = a0.add(b0).add(d0).fma(zero, probe);
            FloatVector v0 = max3(a0, a1, a2);
            FloatVector v1 = max3(b0, b1, b2);
            FloatVector v2 = max3(FloatVector.fromArray(S, x, c + 2), FloatVector.fromArray(S, x, c + 2 + iw),
                    FloatVector.fromArray(S, x, c + 2 + 2 * iw));
            FloatVector v3 = max3(d0, d1, d2);
            if (o == 0 && padLeft != 0) {
                v0 = v0.blend(Float.NEGATIVE_INFINITY, FIRST_LANE);
            }
            FloatVector m = v0.rearrange(EVENS_FIRST).blend(v1.rearrange(ODDS_FIRST), UPPER_HALF);
            FloatVector odd = v0.rearrange(ODDS_FIRST).blend(v1.rearrange(EVENS_FIRST), UPPER_HALF);
            FloatVector third = v2.rearrange(EVENS_FIRST).blend(v3.rearrange(ODDS_FIRST), UPPER_HALF);
            m = m.blend(odd, m.compare(VectorOperators.LT, odd));
            m = m.blend(third, m.compare(VectorOperators.LT, third));
            store(m, y, out, o, ow, limit);
        }
        return probe.reduceLanes(VectorOperators.ADD);
    }

    /** The max of three vectors, ties to the first (as the loop over rows in {@link #windows}). */
    static FloatVector max3(FloatVector a, FloatVector b, FloatVector c) {
        a = a.blend(b, a.compare(VectorOperators.LT, b));
        return a.blend(c, a.compare(VectorOperators.LT, c));
    }

    /** Outputs o .. o + L - 1 of a row at y[out]: whole if before the row's end or below limit, else masked. */
    private static void store(FloatVector m, float[] y, int out, int o, int ow, int limit) {
        if (o + L <= ow || out + o + L <= limit) {
            m.intoArray(y, out + o);
        } else {
            m.intoArray(y, out + o, S.indexInRange(o, ow));
        }
    }

    /**
     * The window of kw columns from column col (which may start left of the row or end past it) over
     * the rows rows from x[row] (iw apart): column maxima first, then across them, inside columns only.
     */
    private static float window(float[] x, int row, int rows, int col, int kw, int iw) {
        float best = 0f;
        int j0 = Math.max(0, col);
        int j1 = Math.min(iw, col + kw);
        for (int j = j0; j < j1; j++) {
            float m = x[row + j];
            for (int r = 1; r < rows; r++) {
                float w = x[row + r * iw + j];
                m = m < w ? w : m;
            }
            best = j == j0 || best < m ? m : best;
        }
        return best;
    }

    /**
     * NaN if x[from, from + n) holds a NaN or an infinity (the sum of value * 0), else 0. Four
     * independent chains: one chain of FMAs waits out each FMA's latency, and took a third of
     * squeezenet1_1's first pool.
     */
    private static float probe(float[] x, int from, int n) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector acc0 = zero;
        FloatVector acc1 = zero;
        FloatVector acc2 = zero;
        FloatVector acc3 = zero;
        int i = 0;
        for (; i + 4 * L <= n; i += 4 * L) {
            acc0 = FloatVector.fromArray(S, x, from + i).fma(zero, acc0);
            acc1 = FloatVector.fromArray(S, x, from + i + L).fma(zero, acc1);
            acc2 = FloatVector.fromArray(S, x, from + i + 2 * L).fma(zero, acc2);
            acc3 = FloatVector.fromArray(S, x, from + i + 3 * L).fma(zero, acc3);
        }
        for (; i + L <= n; i += L) {
            acc0 = FloatVector.fromArray(S, x, from + i).fma(zero, acc0);
        }
        float p = acc0.add(acc1).add(acc2).add(acc3).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            p += x[from + i] * 0f;
        }
        return p;
    }
}
