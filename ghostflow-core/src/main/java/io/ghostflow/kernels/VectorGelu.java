package io.ghostflow.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GELU over {@code float[]} ranges with every step written out in one loop body. The composed
 * VectorMath helpers (erf calling exp) are too large for C2 to inline into the array loop, and a
 * vector handed to a call that is not inlined is boxed on the heap per iteration; here only
 * Vector API intrinsics (always inlined) are called, so the loop allocates nothing.
 *
 * <p>The erf form uses Phi(x) = erfc(-x / sqrt 2) / 2 with erfc from Numerical Recipes'
 * Chebyshev fit (relative error below 1.2e-7 for every argument), so the result keeps its
 * relative accuracy also in the far negative tail where 1 - erf would cancel. The tanh form
 * uses 0.5 x (1 + tanh u) = x / (1 + e^{-2u}). Ragged tails run as one masked vector.
 */
public final class VectorGelu {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND_MAGIC = 12582912f;
    private static final float INV_SQRT2 = 0.70710678118654752f;
    private static final float SQRT_2_OVER_PI = 0.79788456080286536f;
    private static final int MAGIC_BITS = Float.floatToRawIntBits(ROUND_MAGIC);
    private static final FloatVector NEG_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
    private static final FloatVector NEG_LN2_LO = FloatVector.broadcast(S, -LN2_LO);
    private static final FloatVector E5 = FloatVector.broadcast(S, 1.9875691500e-4f);
    private static final FloatVector E4 = FloatVector.broadcast(S, 1.3981999507e-3f);
    private static final FloatVector E3 = FloatVector.broadcast(S, 8.3334519073e-3f);
    private static final FloatVector E2 = FloatVector.broadcast(S, 4.1665795894e-2f);
    private static final FloatVector E1 = FloatVector.broadcast(S, 1.6666665459e-1f);
    private static final FloatVector E0 = FloatVector.broadcast(S, 5.0000001201e-1f);
    /** Numerical Recipes' erfc fit: erfc(z) = t exp(-z^2 + sum C_i t^i), t = 1 / (1 + z/2). */
    private static final FloatVector C9 = FloatVector.broadcast(S, 0.17087277f);
    private static final FloatVector C8 = FloatVector.broadcast(S, -0.82215223f);
    private static final FloatVector C7 = FloatVector.broadcast(S, 1.48851587f);
    private static final FloatVector C6 = FloatVector.broadcast(S, -1.13520398f);
    private static final FloatVector C5 = FloatVector.broadcast(S, 0.27886807f);
    private static final FloatVector C4 = FloatVector.broadcast(S, -0.18628806f);
    private static final FloatVector C3 = FloatVector.broadcast(S, 0.09678418f);
    private static final FloatVector C2 = FloatVector.broadcast(S, 0.37409196f);
    private static final FloatVector C1 = FloatVector.broadcast(S, 1.00002368f);
    private static final FloatVector C0 = FloatVector.broadcast(S, -1.26551223f);
    private static final FloatVector TANH_CUBIC = FloatVector.broadcast(S, 0.044715f);
    private static final float MINUS_2_SQRT_2_OVER_PI = -2 * SQRT_2_OVER_PI;

    private VectorGelu() {
    }

    /** y[yOff + i] = x * Phi(x) (exact GELU) for i in [0, n); the ranges may alias exactly. */
    public static void erf(float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector half = FloatVector.broadcast(S, 0.5f);
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector z = v.abs().mul(INV_SQRT2);
            FloatVector t = one.div(z.fma(half, one));
            FloatVector p = t.fma(C9, C8);
            p = p.fma(t, C7);
            p = p.fma(t, C6);
            p = p.fma(t, C5);
            p = p.fma(t, C4);
            p = p.fma(t, C3);
            p = p.fma(t, C2);
            p = p.fma(t, C1);
            p = p.fma(t, C0);
            FloatVector arg = p.sub(z.mul(z));
            // e^arg, VectorMath.exp's algorithm written out
            FloatVector xc = arg.max(-110f).min(89f);
            FloatVector et = xc.mul(LOG2E).add(ROUND_MAGIC);
            IntVector en = et.reinterpretAsInts().sub(MAGIC_BITS);
            FloatVector fn = et.sub(ROUND_MAGIC);
            FloatVector r = fn.fma(NEG_LN2_HI, xc);
            r = fn.fma(NEG_LN2_LO, r);
            FloatVector ep = r.fma(E5, E4);
            ep = ep.fma(r, E3);
            ep = ep.fma(r, E2);
            ep = ep.fma(r, E1);
            ep = ep.fma(r, E0);
            ep = ep.mul(r.mul(r)).add(r).add(1f);
            IntVector n1 = en.lanewise(VectorOperators.ASHR, 1);
            IntVector n2 = en.sub(n1);
            FloatVector e = ep.mul(n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            FloatVector h = t.mul(e).mul(0.5f);
            // Phi(x) = erfc(|x|/sqrt2)/2 below zero, 1 - that above
            FloatVector phi = one.sub(h).blend(h, v.compare(VectorOperators.LT, 0f));
            v.mul(phi).blend(v, v.test(VectorOperators.IS_NAN)).intoArray(y, yOff + i);
        }
        if (bound < n) {
            tail(x, xOff, y, yOff, bound, n, false);
        }
    }

    /** y[yOff + i] = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) for i in [0, n); ranges may alias exactly. */
    public static void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector arg = v.mul(v).mul(v).fma(TANH_CUBIC, v).mul(MINUS_2_SQRT_2_OVER_PI);
            // e^arg, VectorMath.exp's algorithm written out
            FloatVector xc = arg.max(-110f).min(89f);
            FloatVector et = xc.mul(LOG2E).add(ROUND_MAGIC);
            IntVector en = et.reinterpretAsInts().sub(MAGIC_BITS);
            FloatVector fn = et.sub(ROUND_MAGIC);
            FloatVector r = fn.fma(NEG_LN2_HI, xc);
            r = fn.fma(NEG_LN2_LO, r);
            FloatVector ep = r.fma(E5, E4);
            ep = ep.fma(r, E3);
            ep = ep.fma(r, E2);
            ep = ep.fma(r, E1);
            ep = ep.fma(r, E0);
            ep = ep.mul(r.mul(r)).add(r).add(1f);
            IntVector n1 = en.lanewise(VectorOperators.ASHR, 1);
            IntVector n2 = en.sub(n1);
            FloatVector e = ep.mul(n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            v.div(e.add(1f)).intoArray(y, yOff + i);
        }
        if (bound < n) {
            tail(x, xOff, y, yOff, bound, n, true);
        }
    }

    /** The ragged tail through a whole padded vector, so that it runs the very same code. */
    private static void tail(float[] x, int xOff, float[] y, int yOff, int from, int n, boolean tanh) {
        float[] pad = new float[L];
        System.arraycopy(x, xOff + from, pad, 0, n - from);
        if (tanh) {
            tanh(pad, 0, pad, 0, L);
        } else {
            erf(pad, 0, pad, 0, L);
        }
        System.arraycopy(pad, 0, y, yOff + from, n - from);
    }
}
