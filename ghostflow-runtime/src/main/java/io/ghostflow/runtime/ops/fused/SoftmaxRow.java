package io.ghostflow.runtime.ops.fused;

import io.ghostflow.kernels.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One attention row in place: {@code softmax(v * scale + mask)} in vector loops, e^x by the
 * polynomial of io.ghostflow.kernels.VectorMath.exp written inline (no vector crosses a call,
 * see {@link GeluLoops} for why), sums in float lanes. Ragged tails run scalar.
 */
final class SoftmaxRow {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND_MAGIC = 12582912f;
    private static final int ROUND_MAGIC_BITS = Float.floatToRawIntBits(ROUND_MAGIC);

    private SoftmaxRow() {
    }

    /**
     * v[base + j] = softmax_j(v[base + j] * scale + mask[moff + j * mj]) for j < t (mask null: none;
     * mj 0: one mask value for the row). A row whose maximum is -inf or NaN becomes 0 when
     * {@code nanToZero}, else NaN.
     */
    static void softmax(float[] v, int base, int t, float scale, float[] mask, int moff, int mj, boolean nanToZero) {
        int bound = S.loopBound(t);
        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int j = 0;
        if (mask == null || mj == 0) {
            float add = mask == null ? 0f : mask[moff];
            for (; j < bound; j += L) {
                FloatVector x = FloatVector.fromArray(S, v, base + j).mul(scale).add(add);
                x.intoArray(v, base + j);
                mx = mx.max(x);
            }
        } else if (mj == 1) {
            for (; j < bound; j += L) {
                FloatVector x = FloatVector.fromArray(S, v, base + j).mul(scale).add(FloatVector.fromArray(S, mask, moff + j));
                x.intoArray(v, base + j);
                mx = mx.max(x);
            }
        }
        float max = mx.reduceLanes(VectorOperators.MAX);
        for (; j < t; j++) {
            float x = v[base + j] * scale + (mask == null ? 0 : mask[moff + j * mj]);
            v[base + j] = x;
            max = Math.max(max, x);
        }
        if (max == Float.NEGATIVE_INFINITY || Float.isNaN(max)) {
            java.util.Arrays.fill(v, base, base + t, nanToZero ? 0f : Float.NaN);
            return;
        }
        FloatVector mv = FloatVector.broadcast(S, max);
        FloatVector acc = FloatVector.zero(S);
        for (j = 0; j < bound; j += L) {
            FloatVector x = FloatVector.fromArray(S, v, base + j).sub(mv);
            FloatVector xc = VectorMath.clamp(x, -110f, 89f);
            FloatVector et = xc.mul(LOG2E).add(ROUND_MAGIC);
            IntVector n = et.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
            FloatVector fn = et.sub(ROUND_MAGIC);
            FloatVector r = fn.fma(FloatVector.broadcast(S, -LN2_HI), xc);
            r = fn.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
            p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
            p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
            p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
            p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
            p = p.mul(r.mul(r)).add(r).add(1f);
            IntVector n1 = n.lanewise(VectorOperators.ASHR, 1);
            IntVector n2 = n.sub(n1);
            FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.mul(s1).mul(s2);
            e.intoArray(v, base + j);
            acc = acc.add(e);
        }
        // The lanes summed in order here, as VectorMath.sumLanes does (same bits): C2 does not inline
        // that call into this method (NodeCountInliningCutoff), and a vector passed to a call that is
        // not inlined is boxed: a vector object and an array per row, 8 KB per bert_tiny_hf run.
        float sum;
        if (L == 8) {
            sum = 0f + acc.lane(0) + acc.lane(1) + acc.lane(2) + acc.lane(3) + acc.lane(4) + acc.lane(5) + acc.lane(6) + acc.lane(7);
        } else if (L == 16) {
            sum = 0f + acc.lane(0) + acc.lane(1) + acc.lane(2) + acc.lane(3) + acc.lane(4) + acc.lane(5) + acc.lane(6) + acc.lane(7)
                    + acc.lane(8) + acc.lane(9) + acc.lane(10) + acc.lane(11) + acc.lane(12) + acc.lane(13) + acc.lane(14)
                    + acc.lane(15);
        } else {
            sum = VectorMath.sumLanes(acc);
        }
        for (; j < t; j++) {
            float e = (float) Math.exp(v[base + j] - max);
            v[base + j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (j = 0; j < bound; j += L) {
            FloatVector.fromArray(S, v, base + j).mul(inv).intoArray(v, base + j);
        }
        for (; j < t; j++) {
            v[base + j] *= inv;
        }
    }
}
