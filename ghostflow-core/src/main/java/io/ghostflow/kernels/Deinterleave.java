package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.L;
import static io.ghostflow.kernels.GemmBlocking.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;

/**
 * Lane shuffles: splits runs of values into their even and odd positions, for stride-2 kernels
 * that then read contiguous vectors, and zips vectors back together (interleaving). Two vectors
 * of input become one vector of each half: a one-vector rearrange gathers each half's lanes and a
 * blend joins them (the two-vector form of rearrange allocated per call in some JVMs; this form
 * never did).
 */
public final class Deinterleave {
    /**
     * Lanes 0, 2, 4, .. then 1, 3, 5, .. (EVENS_FIRST) or the odd ones first (ODDS_FIRST). The even
     * lanes of a pair (a, b) are {@code a.rearrange(EVENS_FIRST).blend(b.rearrange(ODDS_FIRST), UPPER_HALF)},
     * written out where used: a vector crossing a method C2 does not inline is boxed.
     */
    static final VectorShuffle<Float> EVENS_FIRST = parity(0);
    static final VectorShuffle<Float> ODDS_FIRST = parity(1);
    static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(S, -1L << (L / 2));

    /**
     * Each of lanes 0 .. L/2 - 1 (LOW) or L/2 .. L - 1 (HIGH) twice: one vector's half spread over
     * all lanes, the inverse direction. Zipping x and y is
     * {@code x.rearrange(SPREAD_LOW).blend(y.rearrange(SPREAD_LOW), ODD_LANES)} (and HIGH for the
     * second half); zips of zips interleave four vectors. Written out where used, as above.
     */
    static final VectorShuffle<Float> SPREAD_LOW = spread(0);
    static final VectorShuffle<Float> SPREAD_HIGH = spread(L / 2);
    static final VectorMask<Float> ODD_LANES = VectorMask.fromLong(S, 0xAAAAAAAAAAAAAAAAL);

    private Deinterleave() {
    }

    private static VectorShuffle<Float> spread(int first) {
        int[] lanes = new int[L];
        for (int i = 0; i < L; i++) {
            lanes[i] = first + i / 2;
        }
        return VectorShuffle.fromArray(S, lanes, 0);
    }

    private static VectorShuffle<Float> parity(int first) {
        int[] lanes = new int[L];
        for (int i = 0; i < L / 2; i++) {
            lanes[i] = first + 2 * i;
            lanes[L / 2 + i] = 1 - first + 2 * i;
        }
        return VectorShuffle.fromArray(S, lanes, 0);
    }

    /**
     * even[e + i] = x[s + 2i] and odd[o + i] = x[s + 2i + 1] for i < pairs (reads x[s, s + 2 * pairs));
     * x must not be even or odd. With at least L pairs, the last ones go as one more vector step
     * ending at the last pair (rewriting some of the previous step's values with the same ones):
     * rows of 28 pairs (resnet18's 56-wide planes) spent most of their split in the scalar tail.
     */
    static void split(float[] x, int s, int pairs, float[] even, int e, float[] odd, int o) {
        int i = 0;
        for (; i + L <= pairs; i += L) {
            FloatVector a = FloatVector.fromArray(S, x, s + 2 * i);
            FloatVector b = FloatVector.fromArray(S, x, s + 2 * i + L);
            a.rearrange(EVENS_FIRST).blend(b.rearrange(ODDS_FIRST), UPPER_HALF).intoArray(even, e + i);
            a.rearrange(ODDS_FIRST).blend(b.rearrange(EVENS_FIRST), UPPER_HALF).intoArray(odd, o + i);
        }
        if (i < pairs && pairs >= L) {
            i = pairs - L;
            FloatVector a = FloatVector.fromArray(S, x, s + 2 * i);
            FloatVector b = FloatVector.fromArray(S, x, s + 2 * i + L);
            a.rearrange(EVENS_FIRST).blend(b.rearrange(ODDS_FIRST), UPPER_HALF).intoArray(even, e + i);
            a.rearrange(ODDS_FIRST).blend(b.rearrange(EVENS_FIRST), UPPER_HALF).intoArray(odd, o + i);
            i = pairs;
        }
        for (; i < pairs; i++) {
            even[e + i] = x[s + 2 * i];
            odd[o + i] = x[s + 2 * i + 1];
        }
    }

    /**
     * dst[d + i] = column 2i - padLeft of the row x[s .. s + w) for i < count, 0 where that column is
     * outside the row (the padding): the even columns of a zero-padded row. Whole pairs inside the
     * row go through {@link #evens(float[], int, int, float[], int)}, so no load reaches past the row;
     * the edges one by one.
     */
    static void evensOfRow(float[] x, int s, int w, int padLeft, float[] dst, int d, int count) {
        int i0 = Math.min(count, (padLeft + 1) / 2);
        int i1 = Math.max(i0, Math.min(count, (w + padLeft) / 2));
        for (int i = 0; i < i0; i++) {
            dst[d + i] = column(x, s, w, 2 * i - padLeft);
        }
        evens(x, s + 2 * i0 - padLeft, i1 - i0, dst, d + i0);
        for (int i = i1; i < count; i++) {
            dst[d + i] = column(x, s, w, 2 * i - padLeft);
        }
    }

    private static float column(float[] x, int s, int w, int col) {
        return col >= 0 && col < w ? x[s + col] : 0f;
    }

    /** even[e + i] = x[s + 2i] for i < count (reads x[s, s + 2 * count), rounded up to whole vectors). */
    public static void evens(float[] x, int s, int count, float[] even, int e) {
        evens(x, s, count, even, e, e + count);
    }

    /**
     * {@link #evens(float[], int, int, float[], int)} that may also write even[e + count ..
     * limit) (lanes of a last whole vector, for callers that rewrite them later): a short row's
     * tail is then one more vector instead of a scalar loop (a 13-wide pooled row spent a quarter
     * of its time there alone; squeezenet1_1's MaxPool nodes ran in 0.95 - 0.98 of the time).
     */
    public static void evens(float[] x, int s, int count, float[] even, int e, int limit) {
        int i = 0;
        for (; i + L <= count; i += L) {
            FloatVector a = FloatVector.fromArray(S, x, s + 2 * i);
            FloatVector b = FloatVector.fromArray(S, x, s + 2 * i + L);
            a.rearrange(EVENS_FIRST).blend(b.rearrange(ODDS_FIRST), UPPER_HALF).intoArray(even, e + i);
        }
        if (i < count && e + i + L <= limit && s + 2 * i + 2 * L <= x.length) {
            FloatVector a = FloatVector.fromArray(S, x, s + 2 * i);
            FloatVector b = FloatVector.fromArray(S, x, s + 2 * i + L);
            a.rearrange(EVENS_FIRST).blend(b.rearrange(ODDS_FIRST), UPPER_HALF).intoArray(even, e + i);
            return;
        }
        for (; i < count; i++) {
            even[e + i] = x[s + 2 * i];
        }
    }
}
