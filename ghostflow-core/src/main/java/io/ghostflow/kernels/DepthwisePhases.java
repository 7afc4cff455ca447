package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.L;
import static io.ghostflow.kernels.GemmBlocking.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A 3x3 depthwise convolution at stride 2 in both directions over its input's column phases:
 * each zero-padded input row is stored as its even columns E then its odd columns O (split once
 * while copying), so the taps of output columns c .. c + L - 1 are the contiguous vectors E[c],
 * O[c] and E[c + 1]. Nine loads and nine FMAs per output vector instead of the eighteen of
 * {@link DepthwiseConv#small3x3s2} (two stride-1 vectors, then their even lanes by shuffles), and
 * padded row 2r + 2 is loaded once for output rows r and r + 1. Every output is the same FMA chain
 * over the taps in order 0 .. 8 followed by the same bias and clamp, so the bits are the same.
 * Measured on a hot plane of 96 channels in one JVM alternating with the shuffle kernel: 8.3 - 8.7
 * against 11.4 - 13.3 ns per output vector for 56 x 56 and 28 x 28 inputs; rows of one output vector
 * (14 x 14 inputs) gain nothing there and keep the shuffle kernel. Per node inside mobilenet_v2_bn
 * (toggled every 10 runs): block 2 (96 x 112 x 112, fused with its projection) 0.77 - 0.83, block 4
 * (144 x 56 x 56) 0.92 - 0.98.
 */
final class DepthwisePhases {
    /** Per thread: output rows whose last vector would pass the caller's end. */
    private static final ScratchFloats TAIL = new ScratchFloats(1);

    private DepthwisePhases() {
    }

    /**
     * Whether p (a 3x3 depthwise convolution the small-plane or band kernels take) runs here: stride
     * 2 both ways, output rows of two vectors or more.
     */
    static boolean suits(Conv2d.Params p) {
        return p.strideH() == 2 && p.strideW() == 2 && p.outW() >= 2 * L;
    }

    /**
     * Floats of each phase of a padded row: covers the padded row (pw / 2 rounded up) and the loads
     * of the last output vector (E[c + 1 .. c + L] for c < OW), zero past the data.
     */
    static int half(Conv2d.Params p) {
        return Math.max((DepthwiseConv.SmallPlanes.pw(p) + 1) / 2, p.outW() + 1) + L;
    }

    /**
     * Input row x[from .. from + w) into the phases of a padded row (E at ph[to], O at ph[to + half])
     * with padLeft zero columns before it: padded column j is E[j / 2] (even j) or O[j / 2] (odd j).
     * Only the row's own entries are written, so a zero frame stays zero.
     */
    static void copyRow(float[] x, int from, int w, int padLeft, float[] ph, int to, int half) {
        // Input column i is padded column padLeft + i: the even i go to O if padLeft is odd, to E if even.
        int firstTo = (padLeft & 1) == 0 ? to + padLeft / 2 : to + half + padLeft / 2;
        int secondTo = (padLeft & 1) == 0 ? to + half + padLeft / 2 : to + (padLeft + 1) / 2;
        int pairs = w / 2;
        Deinterleave.split(x, from, pairs, ph, firstTo, ph, secondTo);
        if ((w & 1) != 0) {
            ph[firstTo + pairs] = x[from + w - 1];
        }
    }

    /**
     * Output rows 0 .. oh - 1 of one channel from its phase rows (row i at ph[base + i * 2 * half],
     * output row r reading rows 2r .. 2r + 2) into y[yo + r * ow + c], writing nothing at or past
     * {@code end}: the rows whose last vector would reach past it are computed into scratch and
     * copied. (A masked store inside the loop, reached only at the end of a range, made C2 trap and
     * recompile the loop into code that ran 1.4 - 1.8x slower.)
     */
    static void rows(float[] ph, int base, int half, float[] w, int wo, float bias, float lo, float hi, float[] y,
                     int yo, int oh, int ow, int end) {
        int lastBlock = (ow - 1) / L * L;
        int safe = (int) Math.max(0, Math.min(oh, Math.floorDiv((long) end - L - yo - lastBlock, ow) + 1));
        if (safe > 0) {
            fullRows(ph, base, half, w, wo, bias, lo, hi, y, yo, safe, ow);
        }
        if (safe < oh) {
            float[] tail = TAIL.get(0, (oh - safe) * ow + L);
            fullRows(ph, base + safe * 4 * half, half, w, wo, bias, lo, hi, tail, 0, oh - safe, ow);
            System.arraycopy(tail, 0, y, yo + safe * ow, (oh - safe) * ow);
        }
    }

    /**
     * {@link #rows} with every vector stored whole. Column blocks run last to first, two per pass
     * (independent FMA chains), each streaming down the rows; a block's lanes past the row spill into
     * the next row's first block, written later, or past the last row (room the caller provides).
     */
    private static void fullRows(float[] ph, int base, int half, float[] w, int wo, float bias, float lo, float hi,
                                 float[] y, int yo, int oh, int ow) {
        int pr = 2 * half;
        FloatVector w0 = FloatVector.broadcast(S, w[wo]);
        FloatVector w1 = FloatVector.broadcast(S, w[wo + 1]);
        FloatVector w2 = FloatVector.broadcast(S, w[wo + 2]);
        FloatVector w3 = FloatVector.broadcast(S, w[wo + 3]);
        FloatVector w4 = FloatVector.broadcast(S, w[wo + 4]);
        FloatVector w5 = FloatVector.broadcast(S, w[wo + 5]);
        FloatVector w6 = FloatVector.broadcast(S, w[wo + 6]);
        FloatVector w7 = FloatVector.broadcast(S, w[wo + 7]);
        FloatVector w8 = FloatVector.broadcast(S, w[wo + 8]);
        FloatVector bv = FloatVector.broadcast(S, bias);
        int c0 = (ow - 1) / L * L;
        for (; c0 >= L; c0 -= 2 * L) {
            int cb = c0 - L;
            int at = base + c0;
            int bt = base + cb;
            FloatVector acc = FloatVector.fromArray(S, ph, at).mul(w0);
            acc = FloatVector.fromArray(S, ph, at + half).fma(w1, acc);
            acc = FloatVector.fromArray(S, ph, at + 1).fma(w2, acc);
            FloatVector bcc = FloatVector.fromArray(S, ph, bt).mul(w0);
            bcc = FloatVector.fromArray(S, ph, bt + half).fma(w1, bcc);
            bcc = FloatVector.fromArray(S, ph, bt + 1).fma(w2, bcc);
            int out = yo + c0;
            for (int r = 0; r < oh; r++) {
                at += pr;
                bt += pr;
                acc = FloatVector.fromArray(S, ph, at).fma(w3, acc);
                bcc = FloatVector.fromArray(S, ph, bt).fma(w3, bcc);
                acc = FloatVector.fromArray(S, ph, at + half).fma(w4, acc);
                bcc = FloatVector.fromArray(S, ph, bt + half).fma(w4, bcc);
                acc = FloatVector.fromArray(S, ph, at + 1).fma(w5, acc);
                bcc = FloatVector.fromArray(S, ph, bt + 1).fma(w5, bcc);
                at += pr;
                bt += pr;
                FloatVector x0 = FloatVector.fromArray(S, ph, at);
                acc = x0.fma(w6, acc);
                FloatVector next = x0.mul(w0);
                x0 = FloatVector.fromArray(S, ph, at + half);
                acc = x0.fma(w7, acc);
                next = x0.fma(w1, next);
                x0 = FloatVector.fromArray(S, ph, at + 1);
                acc = x0.fma(w8, acc);
                next = x0.fma(w2, next);
                x0 = FloatVector.fromArray(S, ph, bt);
                bcc = x0.fma(w6, bcc);
                FloatVector nextB = x0.mul(w0);
                x0 = FloatVector.fromArray(S, ph, bt + half);
                bcc = x0.fma(w7, bcc);
                nextB = x0.fma(w1, nextB);
                x0 = FloatVector.fromArray(S, ph, bt + 1);
                bcc = x0.fma(w8, bcc);
                nextB = x0.fma(w2, nextB);
                FloatVector v = acc.add(bv);
                v = v.blend(lo, v.compare(VectorOperators.LT, lo)).blend(hi, v.compare(VectorOperators.GT, hi));
                v.intoArray(y, out);
                FloatVector u = bcc.add(bv);
                u = u.blend(lo, u.compare(VectorOperators.LT, lo)).blend(hi, u.compare(VectorOperators.GT, hi));
                u.intoArray(y, out - L);
                out += ow;
                acc = next;
                bcc = nextB;
            }
        }
        if (c0 == 0) {
            int at = base;
            FloatVector acc = FloatVector.fromArray(S, ph, at).mul(w0);
            acc = FloatVector.fromArray(S, ph, at + half).fma(w1, acc);
            acc = FloatVector.fromArray(S, ph, at + 1).fma(w2, acc);
            int out = yo;
            for (int r = 0; r < oh; r++) {
                at += pr;
                acc = FloatVector.fromArray(S, ph, at).fma(w3, acc);
                acc = FloatVector.fromArray(S, ph, at + half).fma(w4, acc);
                acc = FloatVector.fromArray(S, ph, at + 1).fma(w5, acc);
                at += pr;
                FloatVector x0 = FloatVector.fromArray(S, ph, at);
                acc = x0.fma(w6, acc);
                FloatVector next = x0.mul(w0);
                x0 = FloatVector.fromArray(S, ph, at + half);
                acc = x0.fma(w7, acc);
                next = x0.fma(w1, next);
                x0 = FloatVector.fromArray(S, ph, at + 1);
                acc = x0.fma(w8, acc);
                next = x0.fma(w2, next);
                FloatVector v = acc.add(bv);
                v = v.blend(lo, v.compare(VectorOperators.LT, lo)).blend(hi, v.compare(VectorOperators.GT, hi));
                v.intoArray(y, out);
                out += ow;
                acc = next;
            }
        }
    }
}
