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
 * in registers from the input: the column maxima of the window rows at column offsets 0, 1 (and
 * 2) over 2L columns, the window maxima from those, and the even columns of the pair of vectors.
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
        // Furthest float a vector step at column c reads: 2L columns plus the window's extra ones, kh rows down.
        int reach = (kh - 1) * iw + 2 * L + kw - 2;
        for (int oy = 0; oy < oh; oy++) {
            int row = xo + oy * sh * iw;
            int out = yo + oy * ow;
            int o = 0;
            for (; o < ow && row + 2 * o + reach < x.length; o += L) {
                int c = row + 2 * o;
                FloatVector a0 = FloatVector.fromArray(S, x, c);
                FloatVector a1 = FloatVector.fromArray(S, x, c + 1);
                FloatVector b0 = FloatVector.fromArray(S, x, c + L);
                FloatVector b1 = FloatVector.fromArray(S, x, c + L + 1);
                for (int r = c + iw, end = c + kh * iw; r < end; r += iw) {
                    FloatVector w = FloatVector.fromArray(S, x, r);
                    a0 = a0.blend(w, a0.compare(VectorOperators.LT, w));
                    w = FloatVector.fromArray(S, x, r + 1);
                    a1 = a1.blend(w, a1.compare(VectorOperators.LT, w));
                    w = FloatVector.fromArray(S, x, r + L);
                    b0 = b0.blend(w, b0.compare(VectorOperators.LT, w));
                    w = FloatVector.fromArray(S, x, r + L + 1);
                    b1 = b1.blend(w, b1.compare(VectorOperators.LT, w));
                }
                a0 = a0.blend(a1, a0.compare(VectorOperators.LT, a1));
                b0 = b0.blend(b1, b0.compare(VectorOperators.LT, b1));
                if (kw == 3) {
                    FloatVector a2 = FloatVector.fromArray(S, x, c + 2);
                    FloatVector b2 = FloatVector.fromArray(S, x, c + L + 2);
                    for (int r = c + iw, end = c + kh * iw; r < end; r += iw) {
                        FloatVector w = FloatVector.fromArray(S, x, r + 2);
                        a2 = a2.blend(w, a2.compare(VectorOperators.LT, w));
                        w = FloatVector.fromArray(S, x, r + L + 2);
                        b2 = b2.blend(w, b2.compare(VectorOperators.LT, w));
                    }
                    a0 = a0.blend(a2, a0.compare(VectorOperators.LT, a2));
                    b0 = b0.blend(b2, b0.compare(VectorOperators.LT, b2));
                }
                FloatVector even = a0.rearrange(EVENS_FIRST).blend(b0.rearrange(ODDS_FIRST), UPPER_HALF);
                if (o + L <= ow || out + o + L <= limit) {
                    even.intoArray(y, out + o);
                } else {
                    even.intoArray(y, out + o, S.indexInRange(o, ow));
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

    /** NaN if x[from, from + n) holds a NaN or an infinity (the sum of value * 0), else 0. */
    private static float probe(float[] x, int from, int n) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector acc = zero;
        int i = 0;
        for (; i + L <= n; i += L) {
            acc = FloatVector.fromArray(S, x, from + i).fma(zero, acc);
        }
        float p = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            p += x[from + i] * 0f;
        }
        return p;
    }
}
