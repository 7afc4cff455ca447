package io.ghostflow.runtime.ops.fused;

import io.ghostflow.kernels.VectorMath;
import io.ghostflow.core.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GELU in place over a float range, one pass after a fused MatMul / Gemm. The same polynomials
 * and operation order as io.ghostflow.kernels.VectorMath (so results are bit-identical to its
 * geluErf / geluTanh), but written out in a single loop body. Why: VectorMath's geluTanh calls
 * tanh which calls exp (and geluErf calls erf, which the Erf op also compiles on its own), and
 * once those were compiled on their own the JIT no longer inlines them
 * into the GEMM epilogue's per-tile call; each vector crossing such a call is boxed and the
 * broadcasts run their slow Java fallback. On bert_tiny that was most of FusedMatMul's time and
 * 1 MB of garbage per run. Here no vector crosses a method boundary (the Vector API's own methods
 * are force-inlined), so the loop compiles to straight vector code however the JIT warms up.
 */
final class GeluLoops {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND_MAGIC = 12582912f;
    private static final int ROUND_MAGIC_BITS = Float.floatToRawIntBits(ROUND_MAGIC);
    private static final float INV_SQRT2 = 0.70710678118654752f;
    private static final float SQRT_2_OVER_PI = 0.79788456080286536f;
    /** Elements per parallel chunk: below this a hand-off costs more than the work. */
    private static final int GRAIN = 16384;

    private GeluLoops() {
    }

    /** Whether {@code act} is one of the two GELU forms handled here. */
    static boolean handles(Activation act) {
        return act.kind() == Activation.Kind.GELU || act.kind() == Activation.Kind.GELU_TANH;
    }

    /** y[off, off + n) = gelu(y[...]) in the form of {@code act} (see {@link #handles}). */
    static void apply(Activation act, float[] y, int off, int n, int threads) {
        boolean tanh = act.kind() == Activation.Kind.GELU_TANH;
        if (threads <= 1 || n < 2 * GRAIN) {
            range(tanh, y, off, off + n);
            return;
        }
        int chunks = (n + GRAIN - 1) / GRAIN;
        Parallel.forRange(threads, chunks, 1, (s, e) -> range(tanh, y, off + s * GRAIN, off + Math.min(n, e * GRAIN)));
    }

    private static void range(boolean tanh, float[] y, int from, int to) {
        int bound = from + S.loopBound(to - from);
        if (tanh) {
            geluTanh(y, from, bound);
        } else {
            geluErf(y, from, bound);
        }
        if (bound < to) {
            // The ragged tail runs through a zero-padded copy: one loop body (no masked twin to
            // keep in step), and gelu(0) = 0 in the padding is harmless.
            float[] tail = new float[L];
            System.arraycopy(y, bound, tail, 0, to - bound);
            if (tanh) {
                geluTanh(tail, 0, L);
            } else {
                geluErf(tail, 0, L);
            }
            System.arraycopy(tail, 0, y, bound, to - bound);
        }
    }

    /**
     * 0.5 x (1 + erf(x / sqrt 2)) on whole vectors, [from, to) a multiple of the vector length;
     * erf as VectorMath.erf (the rational approximation on [-4, 4]), written out in the loop.
     */
    static void geluErf(float[] y, int from, int to) {
        for (int i = from; i < to; i += L) {
            FloatVector x = FloatVector.fromArray(S, y, i);
            FloatVector u = x.mul(INV_SQRT2);
            FloatVector c = u.blend(4f, u.compare(VectorOperators.GT, 4f)).blend(-4f, u.compare(VectorOperators.LT, -4f));
            FloatVector z = c.mul(c);
            FloatVector p = z.fma(-2.72614225801306e-10f, 2.77068142495902e-08f);
            p = p.fma(z, FloatVector.broadcast(S, -2.10102402082508e-06f));
            p = p.fma(z, FloatVector.broadcast(S, -5.69250639462346e-05f));
            p = p.fma(z, FloatVector.broadcast(S, -7.34990630326855e-04f));
            p = p.fma(z, FloatVector.broadcast(S, -2.95459980854025e-03f));
            p = p.fma(z, FloatVector.broadcast(S, -1.60960333262415e-02f));
            FloatVector q = z.fma(-1.45660718464996e-05f, -2.13374055278905e-04f);
            q = q.fma(z, FloatVector.broadcast(S, -1.68282697438203e-03f));
            q = q.fma(z, FloatVector.broadcast(S, -7.37332916720468e-03f));
            q = q.fma(z, FloatVector.broadcast(S, -1.42647390514189e-02f));
            FloatVector erf = c.mul(p).div(q);
            erf.add(1f).mul(x.mul(0.5f)).intoArray(y, i);
        }
    }

    /**
     * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) on whole vectors; tanh as VectorMath.tanh
     * with VectorMath.exp written inline.
     */
    static void geluTanh(float[] y, int from, int to) {
        for (int i = from; i < to; i += L) {
            FloatVector x = FloatVector.fromArray(S, y, i);
            FloatVector v = x.mul(x).mul(x).fma(FloatVector.broadcast(S, 0.044715f), x).mul(SQRT_2_OVER_PI);
            FloatVector av = v.abs();
            FloatVector z = v.mul(v);
            FloatVector ps = z.fma(-5.70498872745e-3f, 2.06390887954e-2f);
            ps = ps.fma(z, FloatVector.broadcast(S, -5.37397155531e-2f));
            ps = ps.fma(z, FloatVector.broadcast(S, 1.33314422036e-1f));
            ps = ps.fma(z, FloatVector.broadcast(S, -3.33332819422e-1f));
            FloatVector small = ps.mul(z).fma(v, v);
            // e = exp(2 |v|)
            FloatVector ex = av.mul(2f);
            FloatVector xc = VectorMath.clamp(ex, -110f, 89f);
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
            e = e.blend(ex, ex.test(VectorOperators.IS_NAN));
            FloatVector big = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
            big = big.blend(big.neg(), v.compare(VectorOperators.LT, 0f));
            FloatVector th = big.blend(small, av.compare(VectorOperators.LT, 0.625f));
            th.add(1f).mul(x.mul(0.5f)).intoArray(y, i);
        }
    }
}
