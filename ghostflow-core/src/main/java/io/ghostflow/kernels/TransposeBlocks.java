package io.ghostflow.kernels;

import static io.ghostflow.kernels.Deinterleave.ODD_LANES;
import static io.ghostflow.kernels.Deinterleave.SPREAD_HIGH;
import static io.ghostflow.kernels.Deinterleave.SPREAD_LOW;
import static io.ghostflow.kernels.GemmBlocking.L;
import static io.ghostflow.kernels.GemmBlocking.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A transposed GEMM's result [pixels, channels] into NCHW with a per-channel bias and a clamp in
 * the same pass ({@link NarrowPlaneConv}). With 16 lanes, blocks of 16 pixels by 16 channels are
 * transposed in registers: four rounds of zipping vector i with vector i + 8 (each round rotates
 * the 8 bits of (row, lane) by one, so four of them swap rows and lanes), then each channel's 16
 * pixels get their bias and clamp and go out as one vector. The scalar loop it replaces read one
 * float per column, a cache line apart, and stored it alone. Same operations per value as
 * {@link Epilogue}'s row pass (x + bias, or x + -0, an exact identity; then the clamp), so the
 * same bits.
 */
final class TransposeBlocks {
    private TransposeBlocks() {
    }

    /**
     * y[yo + m * rows + r] = clamp(t[r * cols + m] + bias[biasOff + m]) (no bias: null) for columns
     * m in [m0, m1), the clamp {@code v < lo ? lo : v > hi ? hi : v}; infinite bounds and no bias
     * copy the values exactly. Disjoint column ranges write disjoint parts of y (threads may split them).
     */
    static void biasClamp(float[] t, int rows, int cols, int m0, int m1, float[] y, int yo, float[] bias, int biasOff,
                          float lo, float hi) {
        biasClamp(t, rows, cols, m0, m1, y, yo, rows, bias, biasOff, lo, hi);
    }

    /** {@link #biasClamp} into rows of y ldy floats apart: y[yo + m * ldy + r] (a band of rows of each plane). */
    static void biasClamp(float[] t, int rows, int cols, int m0, int m1, float[] y, int yo, int ldy, float[] bias,
                          int biasOff, float lo, float hi) {
        int r0 = 0;
        if (L == 16) {
            int fullEnd = m0 + (m1 - m0) / 16 * 16;
            for (; r0 + 16 <= rows; r0 += 16) {
                for (int m = m0; m < fullEnd; m += 16) {
                    block16(t, r0 * cols + m, cols, ldy, y, yo + m * ldy + r0, m, bias, biasOff, lo, hi);
                }
                scalar(t, ldy, cols, r0, r0 + 16, fullEnd, m1, y, yo, bias, biasOff, lo, hi);
            }
        }
        scalar(t, ldy, cols, r0, rows, m0, m1, y, yo, bias, biasOff, lo, hi);
    }

    /** Rows [r0, r1), columns [m0, m1), one value at a time, into rows of y ldy apart. */
    private static void scalar(float[] t, int ldy, int cols, int r0, int r1, int m0, int m1, float[] y, int yo,
                               float[] bias, int biasOff, float lo, float hi) {
        for (int m = m0; m < m1; m++) {
            int d = yo + m * ldy;
            float b = bias == null ? -0f : bias[biasOff + m];
            for (int r = r0; r < r1; r++) {
                float v = t[r * cols + m] + b;
                y[d + r] = v < lo ? lo : v > hi ? hi : v;
            }
        }
    }

    /**
     * The 16 x 16 block of t at {@code from} (rows cols apart) transposed: channel m + j's 16 pixels
     * to y[to + j * ldy]. All vectors stay locals of this one method (a vector passed to a call C2
     * does not inline is boxed).
     */
    private static void block16(float[] t, int from, int cols, int ldy, float[] y, int to, int m, float[] bias, int biasOff,
                                float lo, float hi) {
        FloatVector a0 = FloatVector.fromArray(S, t, from + 0 * cols);
        FloatVector a1 = FloatVector.fromArray(S, t, from + 1 * cols);
        FloatVector a2 = FloatVector.fromArray(S, t, from + 2 * cols);
        FloatVector a3 = FloatVector.fromArray(S, t, from + 3 * cols);
        FloatVector a4 = FloatVector.fromArray(S, t, from + 4 * cols);
        FloatVector a5 = FloatVector.fromArray(S, t, from + 5 * cols);
        FloatVector a6 = FloatVector.fromArray(S, t, from + 6 * cols);
        FloatVector a7 = FloatVector.fromArray(S, t, from + 7 * cols);
        FloatVector a8 = FloatVector.fromArray(S, t, from + 8 * cols);
        FloatVector a9 = FloatVector.fromArray(S, t, from + 9 * cols);
        FloatVector a10 = FloatVector.fromArray(S, t, from + 10 * cols);
        FloatVector a11 = FloatVector.fromArray(S, t, from + 11 * cols);
        FloatVector a12 = FloatVector.fromArray(S, t, from + 12 * cols);
        FloatVector a13 = FloatVector.fromArray(S, t, from + 13 * cols);
        FloatVector a14 = FloatVector.fromArray(S, t, from + 14 * cols);
        FloatVector a15 = FloatVector.fromArray(S, t, from + 15 * cols);
        // round 1: vector i zipped with vector i + 8
        FloatVector b0 = a0.rearrange(SPREAD_LOW).blend(a8.rearrange(SPREAD_LOW), ODD_LANES);
        FloatVector b1 = a0.rearrange(SPREAD_HIGH).blend(a8.rearrange(SPREAD_HIGH), ODD_LANES);
        FloatVector b2 = a1.rearrange(SPREAD_LOW).blend(a9.rearrange(SPREAD_LOW), ODD_LANES);
        FloatVector b3 = a1.rearrange(SPREAD_HIGH).blend(a9.rearrange(SPREAD_HIGH), ODD_LANES);
        FloatVector b4 = a2.rearrange(SPREAD_LOW).blend(a10.rearrange(SPREAD_LOW), ODD_LANES);
        FloatVector b5 = a2.rearrange(SPREAD_HIGH).blend(a10.rearrange(SPREAD_HIGH), ODD_LANES);
        FloatVector b6 = a3.rearrange(SPREAD_LOW).blend(a11.rearrange(SPREAD_LOW), ODD_LANES);
        FloatVector b7 = a3.rearrange(SPREAD_HIGH).blend(a11.rearrange(SPREAD_HIGH), ODD_LANES);
        FloatVector b8 = a4.rearrange(SPREAD_LOW).blend(a12.rearrange(SPREAD_LOW), ODD_LANES);
        FloatVector b9 = a4.rearrange(SPREAD_HIGH).blend(a12.rearrange(SPREAD_HIGH), ODD_LANES);
        FloatVector b10 = a5.rearrange(SPREAD_LOW).blend(a13.rearrange(SPREAD_LOW), ODD_LANES);
        FloatVector b11 = a5.rearrange(SPREAD_HIGH).blend(a13.rearrange(SPREAD_HIGH), ODD_LANES);
        FloatVector b12 = a6.rearrange(SPREAD_LOW).blend(a14.rearrange(SPREAD_LOW), ODD_LANES);
        FloatVector b13 = a6.rearrange(SPREAD_HIGH).blend(a14.rearrange(SPREAD_HIGH), ODD_LANES);
        FloatVector b14 = a7.rearrange(SPREAD_LOW).blend(a15.rearrange(SPREAD_LOW), ODD_LANES);
        FloatVector b15 = a7.rearrange(SPREAD_HIGH).blend(a15.rearrange(SPREAD_HIGH), ODD_LANES);
        // round 2: vector i zipped with vector i + 8
        a0 = b0.rearrange(SPREAD_LOW).blend(b8.rearrange(SPREAD_LOW), ODD_LANES);
        a1 = b0.rearrange(SPREAD_HIGH).blend(b8.rearrange(SPREAD_HIGH), ODD_LANES);
        a2 = b1.rearrange(SPREAD_LOW).blend(b9.rearrange(SPREAD_LOW), ODD_LANES);
        a3 = b1.rearrange(SPREAD_HIGH).blend(b9.rearrange(SPREAD_HIGH), ODD_LANES);
        a4 = b2.rearrange(SPREAD_LOW).blend(b10.rearrange(SPREAD_LOW), ODD_LANES);
        a5 = b2.rearrange(SPREAD_HIGH).blend(b10.rearrange(SPREAD_HIGH), ODD_LANES);
        a6 = b3.rearrange(SPREAD_LOW).blend(b11.rearrange(SPREAD_LOW), ODD_LANES);
        a7 = b3.rearrange(SPREAD_HIGH).blend(b11.rearrange(SPREAD_HIGH), ODD_LANES);
        a8 = b4.rearrange(SPREAD_LOW).blend(b12.rearrange(SPREAD_LOW), ODD_LANES);
        a9 = b4.rearrange(SPREAD_HIGH).blend(b12.rearrange(SPREAD_HIGH), ODD_LANES);
        a10 = b5.rearrange(SPREAD_LOW).blend(b13.rearrange(SPREAD_LOW), ODD_LANES);
        a11 = b5.rearrange(SPREAD_HIGH).blend(b13.rearrange(SPREAD_HIGH), ODD_LANES);
        a12 = b6.rearrange(SPREAD_LOW).blend(b14.rearrange(SPREAD_LOW), ODD_LANES);
        a13 = b6.rearrange(SPREAD_HIGH).blend(b14.rearrange(SPREAD_HIGH), ODD_LANES);
        a14 = b7.rearrange(SPREAD_LOW).blend(b15.rearrange(SPREAD_LOW), ODD_LANES);
        a15 = b7.rearrange(SPREAD_HIGH).blend(b15.rearrange(SPREAD_HIGH), ODD_LANES);
        // round 3: vector i zipped with vector i + 8
        b0 = a0.rearrange(SPREAD_LOW).blend(a8.rearrange(SPREAD_LOW), ODD_LANES);
        b1 = a0.rearrange(SPREAD_HIGH).blend(a8.rearrange(SPREAD_HIGH), ODD_LANES);
        b2 = a1.rearrange(SPREAD_LOW).blend(a9.rearrange(SPREAD_LOW), ODD_LANES);
        b3 = a1.rearrange(SPREAD_HIGH).blend(a9.rearrange(SPREAD_HIGH), ODD_LANES);
        b4 = a2.rearrange(SPREAD_LOW).blend(a10.rearrange(SPREAD_LOW), ODD_LANES);
        b5 = a2.rearrange(SPREAD_HIGH).blend(a10.rearrange(SPREAD_HIGH), ODD_LANES);
        b6 = a3.rearrange(SPREAD_LOW).blend(a11.rearrange(SPREAD_LOW), ODD_LANES);
        b7 = a3.rearrange(SPREAD_HIGH).blend(a11.rearrange(SPREAD_HIGH), ODD_LANES);
        b8 = a4.rearrange(SPREAD_LOW).blend(a12.rearrange(SPREAD_LOW), ODD_LANES);
        b9 = a4.rearrange(SPREAD_HIGH).blend(a12.rearrange(SPREAD_HIGH), ODD_LANES);
        b10 = a5.rearrange(SPREAD_LOW).blend(a13.rearrange(SPREAD_LOW), ODD_LANES);
        b11 = a5.rearrange(SPREAD_HIGH).blend(a13.rearrange(SPREAD_HIGH), ODD_LANES);
        b12 = a6.rearrange(SPREAD_LOW).blend(a14.rearrange(SPREAD_LOW), ODD_LANES);
        b13 = a6.rearrange(SPREAD_HIGH).blend(a14.rearrange(SPREAD_HIGH), ODD_LANES);
        b14 = a7.rearrange(SPREAD_LOW).blend(a15.rearrange(SPREAD_LOW), ODD_LANES);
        b15 = a7.rearrange(SPREAD_HIGH).blend(a15.rearrange(SPREAD_HIGH), ODD_LANES);
        // round 4: vector i zipped with vector i + 8
        a0 = b0.rearrange(SPREAD_LOW).blend(b8.rearrange(SPREAD_LOW), ODD_LANES);
        a1 = b0.rearrange(SPREAD_HIGH).blend(b8.rearrange(SPREAD_HIGH), ODD_LANES);
        a2 = b1.rearrange(SPREAD_LOW).blend(b9.rearrange(SPREAD_LOW), ODD_LANES);
        a3 = b1.rearrange(SPREAD_HIGH).blend(b9.rearrange(SPREAD_HIGH), ODD_LANES);
        a4 = b2.rearrange(SPREAD_LOW).blend(b10.rearrange(SPREAD_LOW), ODD_LANES);
        a5 = b2.rearrange(SPREAD_HIGH).blend(b10.rearrange(SPREAD_HIGH), ODD_LANES);
        a6 = b3.rearrange(SPREAD_LOW).blend(b11.rearrange(SPREAD_LOW), ODD_LANES);
        a7 = b3.rearrange(SPREAD_HIGH).blend(b11.rearrange(SPREAD_HIGH), ODD_LANES);
        a8 = b4.rearrange(SPREAD_LOW).blend(b12.rearrange(SPREAD_LOW), ODD_LANES);
        a9 = b4.rearrange(SPREAD_HIGH).blend(b12.rearrange(SPREAD_HIGH), ODD_LANES);
        a10 = b5.rearrange(SPREAD_LOW).blend(b13.rearrange(SPREAD_LOW), ODD_LANES);
        a11 = b5.rearrange(SPREAD_HIGH).blend(b13.rearrange(SPREAD_HIGH), ODD_LANES);
        a12 = b6.rearrange(SPREAD_LOW).blend(b14.rearrange(SPREAD_LOW), ODD_LANES);
        a13 = b6.rearrange(SPREAD_HIGH).blend(b14.rearrange(SPREAD_HIGH), ODD_LANES);
        a14 = b7.rearrange(SPREAD_LOW).blend(b15.rearrange(SPREAD_LOW), ODD_LANES);
        a15 = b7.rearrange(SPREAD_HIGH).blend(b15.rearrange(SPREAD_HIGH), ODD_LANES);
        // a_j: channel m + j's 16 pixels; bias, clamp (v < lo ? lo : v > hi ? hi : v), store
        b0 = a0.add(bias == null ? -0f : bias[biasOff + m + 0]);
        b0.blend(hi, b0.compare(VectorOperators.GT, hi)).blend(lo, b0.compare(VectorOperators.LT, lo)).intoArray(y, to + 0 * ldy);
        b1 = a1.add(bias == null ? -0f : bias[biasOff + m + 1]);
        b1.blend(hi, b1.compare(VectorOperators.GT, hi)).blend(lo, b1.compare(VectorOperators.LT, lo)).intoArray(y, to + 1 * ldy);
        b2 = a2.add(bias == null ? -0f : bias[biasOff + m + 2]);
        b2.blend(hi, b2.compare(VectorOperators.GT, hi)).blend(lo, b2.compare(VectorOperators.LT, lo)).intoArray(y, to + 2 * ldy);
        b3 = a3.add(bias == null ? -0f : bias[biasOff + m + 3]);
        b3.blend(hi, b3.compare(VectorOperators.GT, hi)).blend(lo, b3.compare(VectorOperators.LT, lo)).intoArray(y, to + 3 * ldy);
        b4 = a4.add(bias == null ? -0f : bias[biasOff + m + 4]);
        b4.blend(hi, b4.compare(VectorOperators.GT, hi)).blend(lo, b4.compare(VectorOperators.LT, lo)).intoArray(y, to + 4 * ldy);
        b5 = a5.add(bias == null ? -0f : bias[biasOff + m + 5]);
        b5.blend(hi, b5.compare(VectorOperators.GT, hi)).blend(lo, b5.compare(VectorOperators.LT, lo)).intoArray(y, to + 5 * ldy);
        b6 = a6.add(bias == null ? -0f : bias[biasOff + m + 6]);
        b6.blend(hi, b6.compare(VectorOperators.GT, hi)).blend(lo, b6.compare(VectorOperators.LT, lo)).intoArray(y, to + 6 * ldy);
        b7 = a7.add(bias == null ? -0f : bias[biasOff + m + 7]);
        b7.blend(hi, b7.compare(VectorOperators.GT, hi)).blend(lo, b7.compare(VectorOperators.LT, lo)).intoArray(y, to + 7 * ldy);
        b8 = a8.add(bias == null ? -0f : bias[biasOff + m + 8]);
        b8.blend(hi, b8.compare(VectorOperators.GT, hi)).blend(lo, b8.compare(VectorOperators.LT, lo)).intoArray(y, to + 8 * ldy);
        b9 = a9.add(bias == null ? -0f : bias[biasOff + m + 9]);
        b9.blend(hi, b9.compare(VectorOperators.GT, hi)).blend(lo, b9.compare(VectorOperators.LT, lo)).intoArray(y, to + 9 * ldy);
        b10 = a10.add(bias == null ? -0f : bias[biasOff + m + 10]);
        b10.blend(hi, b10.compare(VectorOperators.GT, hi)).blend(lo, b10.compare(VectorOperators.LT, lo)).intoArray(y, to + 10 * ldy);
        b11 = a11.add(bias == null ? -0f : bias[biasOff + m + 11]);
        b11.blend(hi, b11.compare(VectorOperators.GT, hi)).blend(lo, b11.compare(VectorOperators.LT, lo)).intoArray(y, to + 11 * ldy);
        b12 = a12.add(bias == null ? -0f : bias[biasOff + m + 12]);
        b12.blend(hi, b12.compare(VectorOperators.GT, hi)).blend(lo, b12.compare(VectorOperators.LT, lo)).intoArray(y, to + 12 * ldy);
        b13 = a13.add(bias == null ? -0f : bias[biasOff + m + 13]);
        b13.blend(hi, b13.compare(VectorOperators.GT, hi)).blend(lo, b13.compare(VectorOperators.LT, lo)).intoArray(y, to + 13 * ldy);
        b14 = a14.add(bias == null ? -0f : bias[biasOff + m + 14]);
        b14.blend(hi, b14.compare(VectorOperators.GT, hi)).blend(lo, b14.compare(VectorOperators.LT, lo)).intoArray(y, to + 14 * ldy);
        b15 = a15.add(bias == null ? -0f : bias[biasOff + m + 15]);
        b15.blend(hi, b15.compare(VectorOperators.GT, hi)).blend(lo, b15.compare(VectorOperators.LT, lo)).intoArray(y, to + 15 * ldy);
    }
}
