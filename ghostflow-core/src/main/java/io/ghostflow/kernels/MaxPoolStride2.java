package io.ghostflow.kernels;

import static io.ghostflow.kernels.Deinterleave.EVENS_FIRST;
import static io.ghostflow.kernels.Deinterleave.ODDS_FIRST;
import static io.ghostflow.kernels.Deinterleave.UPPER_HALF;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling with windows 2 or 3 columns wide at column stride 2, all inside the plane (no
 * padding): LeNet's 2 x 2 and squeezenet1_1's 3 x 3 pools. Each vector of L outputs is computed
 * in registers from the input: the column maxima of the window rows over 2L columns (and over the
 * 2L columns two further on, for 3-wide windows), split into even and odd columns, and the maximum
 * of the window's first, second (and third) column from those: per input vector and row one
 * compare-and-blend, where maxima at offsets 0, 1 and 2 before the split took three (squeezenet1_1's
 * 64 x 111 x 111 pool alone, hot: 0.089 against 0.171 ms).
 * The separable path it replaces stored the column maxima and read them back shifted by one and
 * two floats, loads that overlap the stores just made and wait for them (LeNet's two pools were a
 * quarter of its run time). Ties go as there: the first row of a column, then the first column.
 */
public final class MaxPoolStride2 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private MaxPoolStride2() {
    }

    /**
     * Whether this kernel pools the given geometry: undilated, unpadded, windows 2 or 3 wide at
     * stride 2, all inside; 16 lanes or more. With 8-lane vectors (emulated here with
     * -XX:MaxVectorSize=32 on an AVX-512 machine) C2 compiled this method with its vector calls
     * left to the Vector API's Java fallback, 33-100 MB allocated per squeezenet1_1 run, so
     * narrower vectors keep the separable path.
     */
    public static boolean suits(int kh, int kw, int sh, int sw, boolean padded, int ih, int iw, int oh, int ow) {
        return L >= 16 && !padded && sw == 2 && (kw == 2 || kw == 3) && kh >= 1 && sh >= 1 && oh > 0 && ow > 0
                && (long) (oh - 1) * sh + kh <= ih && (long) (ow - 1) * sw + kw <= iw;
    }

    /**
     * y[yo + oy * ow + ox] = the max of the window at (oy * sh, 2 * ox) of the plane at x[xo]
     * (ih x iw), for a geometry that {@link #suits}. Returns false, having written nothing
     * meaningful, if the plane holds a NaN or an infinity (the caller's generic loop decides
     * those). A row's last vector may write up to {@code limit} (later rows, computed after).
     */
    public static boolean plane(float[] x, int xo, float[] y, int yo, int kh, int kw, int sh, int ih, int iw, int oh,
                                int ow, int limit) {
        if (Float.isNaN(probe(x, xo, ((oh - 1) * sh + kh) * iw))) {
            return false;
        }
        // Furthest float a vector step at column c reads: 2L + 1 columns on (at offset 2 for 3-wide windows), kh rows down.
        int reach = (kh - 1) * iw + 2 * L + 1;
        for (int oy = 0; oy < oh; oy++) {
            int row = xo + oy * sh * iw;
            int out = yo + oy * ow;
            int o = 0;
            for (; o < ow && row + 2 * o + reach < x.length; o += L) {
                int c = row + 2 * o;
                // Column maxima over the window rows: columns c .. c + 2L (v0, v1) and, for 3-wide
                // windows, the same shifted by two columns (v2, v3).
                FloatVector v0 = FloatVector.fromArray(S, x, c);
                FloatVector v1 = FloatVector.fromArray(S, x, c + L);
                for (int r = c + iw, end = c + kh * iw; r < end; r += iw) {
                    FloatVector w = FloatVector.fromArray(S, x, r);
                    v0 = v0.blend(w, v0.compare(VectorOperators.LT, w));
                    w = FloatVector.fromArray(S, x, r + L);
                    v1 = v1.blend(w, v1.compare(VectorOperators.LT, w));
                }
                // Window column 0 of each output is an even column, column 1 an odd one.
                FloatVector m = v0.rearrange(EVENS_FIRST).blend(v1.rearrange(ODDS_FIRST), UPPER_HALF);
                FloatVector odd = v0.rearrange(ODDS_FIRST).blend(v1.rearrange(EVENS_FIRST), UPPER_HALF);
                m = m.blend(odd, m.compare(VectorOperators.LT, odd));
                if (kw == 3) {
                    FloatVector v2 = FloatVector.fromArray(S, x, c + 2);
                    FloatVector v3 = FloatVector.fromArray(S, x, c + L + 2);
                    for (int r = c + iw, end = c + kh * iw; r < end; r += iw) {
                        FloatVector w = FloatVector.fromArray(S, x, r + 2);
                        v2 = v2.blend(w, v2.compare(VectorOperators.LT, w));
                        w = FloatVector.fromArray(S, x, r + L + 2);
                        v3 = v3.blend(w, v3.compare(VectorOperators.LT, w));
                    }
                    FloatVector third = v2.rearrange(EVENS_FIRST).blend(v3.rearrange(ODDS_FIRST), UPPER_HALF);
                    m = m.blend(third, m.compare(VectorOperators.LT, third));
                }
                if (o + L <= ow || out + o + L <= limit) {
                    m.intoArray(y, out + o);
                } else {
                    m.intoArray(y, out + o, S.indexInRange(o, ow));
                }
            }
            // Near the end of the array: output by output, in the same order.
            for (; o < ow; o++) {
                y[out + o] = window(x, row + 2 * o, kh, kw, iw);
            }
        }
        return true;
    }

    /** The window at x[c] (kh rows iw apart, kw columns): column maxima first, then across them. */
    private static float window(float[] x, int c, int kh, int kw, int iw) {
        float best = 0f;
        for (int j = 0; j < kw; j++) {
            float m = x[c + j];
            for (int r = 1; r < kh; r++) {
                float w = x[c + r * iw + j];
                m = m < w ? w : m;
            }
            best = j == 0 || best < m ? m : best;
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
