package io.ghostflow.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorized elementwise math on {@code float[]} ranges (array + offset + length). Every loop
 * runs full vectors up to {@code loopBound} and finishes the ragged tail with a masked vector,
 * so results do not depend on where a lane falls. Transcendentals are polynomial
 * approximations accurate to a few ulp (within rtol 1e-5 / atol 1e-6 of double references over
 * the whole float range, including +-Inf and NaN). Input and output ranges may alias exactly.
 */
public final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude < 2^22 to an integer. */
    private static final float ROUND_MAGIC = 12582912f;
    private static final float INV_SQRT2 = 0.70710678118654752f;
    private static final float SQRT_2_OVER_PI = 0.79788456080286536f;

    private VectorMath() {
    }

    public static VectorSpecies<Float> species() {
        return S;
    }

    // ---------------------------------------------------------------- vector primitives

    private static FloatVector bc(float v) {
        return FloatVector.broadcast(S, v);
    }

    /**
     * v clamped to [lo, hi] (lo <= hi, neither NaN) by compare and blend; NaN stays NaN. Java's
     * max / min take a NaN-and-signed-zero sequence per lane that a clamp to constant bounds does
     * not need: in exp's range clamp and the quantizers, bert_tiny_int8 0.981 and bert_tiny_hf 0.994
     * of the time (medians of 30 paired blocks in one JVM, ONNX Runtime runs between).
     */
    public static FloatVector clamp(FloatVector v, float lo, float hi) {
        return v.blend(lo, v.compare(VectorOperators.LT, lo)).blend(hi, v.compare(VectorOperators.GT, hi));
    }

    /** e^x. Overflows to +Inf above ~88.72, underflows through subnormals to 0, NaN stays NaN. */
    public static FloatVector exp(FloatVector x) {
        FloatVector xc = clamp(x, -110f, 89f);
        FloatVector t = xc.mul(LOG2E).add(ROUND_MAGIC);
        IntVector n = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND_MAGIC));
        FloatVector fn = t.sub(ROUND_MAGIC);
        FloatVector r = fn.fma(bc(-LN2_HI), xc);
        r = fn.fma(bc(-LN2_LO), r);
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
        p = p.fma(r, bc(8.3334519073e-3f));
        p = p.fma(r, bc(4.1665795894e-2f));
        p = p.fma(r, bc(1.6666665459e-1f));
        p = p.fma(r, bc(5.0000001201e-1f));
        p = p.mul(r.mul(r)).add(r).add(1f);
        // 2^n as two factors so that n in [-159, 129] never leaves the normal exponent range.
        IntVector n1 = n.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = n.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector res = p.mul(s1).mul(s2);
        return res.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** tanh(x): odd polynomial below |x| 0.625, 1 - 2/(e^{2|x|}+1) above. */
    public static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector z = x.mul(x);
        FloatVector p = z.fma(-5.70498872745e-3f, 2.06390887954e-2f);
        p = p.fma(z, bc(-5.37397155531e-2f));
        p = p.fma(z, bc(1.33314422036e-1f));
        p = p.fma(z, bc(-3.33332819422e-1f));
        FloatVector small = p.mul(z).fma(x, x);
        FloatVector e = exp(ax.mul(2f));
        FloatVector big = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
        return big.blend(small, ax.compare(VectorOperators.LT, 0.625f));
    }

    /** 1 / (1 + e^-x). */
    public static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
    }

    /**
     * erf(x) as x P(x^2) / Q(x^2) on x clamped to [-4, 4] (beyond, erf rounds to +-1 in float): the
     * rational approximation Eigen and XLA use, absolute and relative error below 4e-7 over all
     * floats (measured against a double-precision series). One division and 11 FMAs, no exp and
     * no branches (the Taylor plus Abramowitz-Stegun form it replaces took about 2.5x the
     * instructions). NaN stays NaN (the clamp compares false); erf(-0) = -0.
     */
    public static FloatVector erf(FloatVector x) {
        FloatVector c = x.blend(4f, x.compare(VectorOperators.GT, 4f)).blend(-4f, x.compare(VectorOperators.LT, -4f));
        FloatVector z = c.mul(c);
        FloatVector p = z.fma(-2.72614225801306e-10f, 2.77068142495902e-08f);
        p = p.fma(z, bc(-2.10102402082508e-06f));
        p = p.fma(z, bc(-5.69250639462346e-05f));
        p = p.fma(z, bc(-7.34990630326855e-04f));
        p = p.fma(z, bc(-2.95459980854025e-03f));
        p = p.fma(z, bc(-1.60960333262415e-02f));
        FloatVector q = z.fma(-1.45660718464996e-05f, -2.13374055278905e-04f);
        q = q.fma(z, bc(-1.68282697438203e-03f));
        q = q.fma(z, bc(-7.37332916720468e-03f));
        q = q.fma(z, bc(-1.42647390514189e-02f));
        return c.mul(p).div(q);
    }

    /** 0.5 x (1 + erf(x / sqrt 2)). */
    public static FloatVector geluErf(FloatVector x) {
        return erf(x.mul(INV_SQRT2)).add(1f).mul(x.mul(0.5f));
    }

    /** 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    public static FloatVector geluTanh(FloatVector x) {
        FloatVector inner = x.mul(x).mul(x).fma(bc(0.044715f), x).mul(SQRT_2_OVER_PI);
        return tanh(inner).add(1f).mul(x.mul(0.5f));
    }

    /** Applies {@code act} to a vector; the switch is on a final field, so it predicts perfectly. */
    public static FloatVector activate(Activation act, FloatVector x) {
        return switch (act.kind()) {
            case NONE -> x;
            // max(x, 0) would turn NaN into 0 on some paths; compare-and-blend keeps NaN.
            case RELU -> x.blend(0f, x.compare(VectorOperators.LT, 0f));
            case CLIP -> x.blend(act.alpha(), x.compare(VectorOperators.LT, act.alpha()))
                    .blend(act.beta(), x.compare(VectorOperators.GT, act.beta()));
            case LEAKY_RELU -> x.blend(x.mul(act.alpha()), x.compare(VectorOperators.LT, 0f));
            case SIGMOID -> sigmoid(x);
            case TANH -> tanh(x);
            case HARD_SIGMOID -> clamp(x.mul(act.alpha()).add(act.beta()), 0f, 1f);
            case HARD_SWISH -> x.mul(clamp(x.mul(1f / 6f).add(0.5f), 0f, 1f));
            case GELU_ERF -> geluErf(x);
            case GELU_TANH -> geluTanh(x);
            case SILU -> x.mul(sigmoid(x));
        };
    }

    // ---------------------------------------------------------------- unary array helpers

    /** y[yOff + i] = act(x[xOff + i]) for i in [0, n). */
    public static void activation(Activation act, float[] x, int xOff, float[] y, int yOff, int n) {
        // One loop per costly kind: activate() compiles too large to inline, and a vector passed
        // to a call that is not inlined is boxed on the heap per iteration.
        switch (act.kind()) {
            case GELU_ERF -> geluErfArray(x, xOff, y, yOff, n);
            case GELU_TANH -> geluTanhArray(x, xOff, y, yOff, n);
            case SIGMOID -> sigmoidArray(x, xOff, y, yOff, n, false);
            case SILU -> sigmoidArray(x, xOff, y, yOff, n, true);
            default -> activationLoop(act, x, xOff, y, yOff, n);
        }
    }

    private static void geluErfArray(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            geluErf(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            geluErf(FloatVector.fromArray(S, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    private static void geluTanhArray(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            geluTanh(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            geluTanh(FloatVector.fromArray(S, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    private static void sigmoidArray(float[] x, int xOff, float[] y, int yOff, int n, boolean timesX) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector r = sigmoid(v);
            (timesX ? v.mul(r) : r).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i, m);
            FloatVector r = sigmoid(v);
            (timesX ? v.mul(r) : r).intoArray(y, yOff + i, m);
        }
    }

    private static void activationLoop(Activation act, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            activate(act, FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            activate(act, FloatVector.fromArray(S, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    public static void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        activation(Activation.RELU, x, xOff, y, yOff, n);
    }

    public static void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        activation(Activation.SIGMOID, x, xOff, y, yOff, n);
    }

    public static void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        activation(Activation.TANH, x, xOff, y, yOff, n);
    }

    public static void geluErf(float[] x, int xOff, float[] y, int yOff, int n) {
        activation(Activation.GELU_ERF, x, xOff, y, yOff, n);
    }

    public static void geluTanh(float[] x, int xOff, float[] y, int yOff, int n) {
        activation(Activation.GELU_TANH, x, xOff, y, yOff, n);
    }

    public static void silu(float[] x, int xOff, float[] y, int yOff, int n) {
        activation(Activation.SILU, x, xOff, y, yOff, n);
    }

    public static void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            exp(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            exp(FloatVector.fromArray(S, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    public static void erf(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            erf(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            erf(FloatVector.fromArray(S, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    // ---------------------------------------------------------------- binary array helpers

    private static FloatVector op(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
        };
    }

    /** out[i] = a[i] op b[i] (same shape). */
    public static void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            op(op, FloatVector.fromArray(S, a, aOff + i), FloatVector.fromArray(S, b, bOff + i))
                    .intoArray(out, outOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            op(op, FloatVector.fromArray(S, a, aOff + i, m), FloatVector.fromArray(S, b, bOff + i, m))
                    .intoArray(out, outOff + i, m);
        }
    }

    /** out[i] = a[i] op s. */
    public static void binaryScalar(BinaryOp op, float[] a, int aOff, float s, float[] out, int outOff, int n) {
        FloatVector sv = FloatVector.broadcast(S, s);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            op(op, FloatVector.fromArray(S, a, aOff + i), sv).intoArray(out, outOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            op(op, FloatVector.fromArray(S, a, aOff + i, m), sv).intoArray(out, outOff + i, m);
        }
    }

    /** out[i] = s op b[i] (the scalar on the left, for SUB/DIV). */
    public static void scalarBinary(BinaryOp op, float s, float[] b, int bOff, float[] out, int outOff, int n) {
        FloatVector sv = FloatVector.broadcast(S, s);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            op(op, sv, FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            op(op, sv, FloatVector.fromArray(S, b, bOff + i, m)).intoArray(out, outOff + i, m);
        }
    }

    /** out[r, c] = a[r, c] op row[c] for a row-major [rows, cols] block: a row vector broadcast over rows. */
    public static void binaryRowBroadcast(BinaryOp op, float[] a, int aOff, float[] row, int rowOff,
                                          float[] out, int outOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            binary(op, a, aOff + r * cols, row, rowOff, out, outOff + r * cols, cols);
        }
    }

    /** out[r, c] = row[c] op a[r, c]: the broadcast operand on the left. */
    public static void rowBroadcastBinary(BinaryOp op, float[] row, int rowOff, float[] a, int aOff,
                                          float[] out, int outOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            binary(op, row, rowOff, a, aOff + r * cols, out, outOff + r * cols, cols);
        }
    }

    /** out[r, c] = a[r, c] op col[r]: a column vector broadcast over columns (per-channel). */
    public static void binaryColumnBroadcast(BinaryOp op, float[] a, int aOff, float[] col, int colOff,
                                             float[] out, int outOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            binaryScalar(op, a, aOff + r * cols, col[colOff + r], out, outOff + r * cols, cols);
        }
    }

    // ---------------------------------------------------------------- reductions

    /**
     * The lanes of {@code v} summed in lane order. Not reduceLanes(ADD): its order is unspecified
     * and differs between the interpreter's fallback and C2's intrinsic, so a row could reduce
     * differently (by an ulp) depending on which compiled form ran it, and a batch would no longer
     * compute bit for bit what its samples compute alone. The lanes are named by constants: a loop
     * over lane(i) is expanded before C2 unrolls it, so i is not yet a constant there and lane(i)
     * took the fallback that copies the vector into a new array (softmax allocated one per row,
     * a fifth of bert_tiny's allocation per run). Small enough to be inlined (a vector passed to a
     * call that is not inlined is boxed).
     */
    public static float sumLanes(FloatVector v) {
        if (L == 8) {
            return 0f + v.lane(0) + v.lane(1) + v.lane(2) + v.lane(3) + v.lane(4) + v.lane(5) + v.lane(6) + v.lane(7);
        }
        if (L == 16) {
            return 0f + v.lane(0) + v.lane(1) + v.lane(2) + v.lane(3) + v.lane(4) + v.lane(5) + v.lane(6) + v.lane(7)
                    + v.lane(8) + v.lane(9) + v.lane(10) + v.lane(11) + v.lane(12) + v.lane(13) + v.lane(14) + v.lane(15);
        }
        float s = 0f;
        for (int i = 0; i < L; i++) {
            s += v.lane(i);
        }
        return s;
    }

    public static float sum(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            acc = acc.add(FloatVector.fromArray(S, x, off + i));
        }
        if (i < n) {
            acc = acc.add(FloatVector.fromArray(S, x, off + i, S.indexInRange(i, n)));
        }
        return sumLanes(acc);
    }

    /** Maximum, -Inf for an empty range, NaN if any element is NaN. */
    public static float max(float[] x, int off, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            acc = acc.max(FloatVector.fromArray(S, x, off + i));
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            acc = acc.max(FloatVector.fromArray(S, x, off + i, m).blend(Float.NEGATIVE_INFINITY, m.not()));
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    /** Sum of x[i] * y[i]. */
    public static float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            acc = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            acc = FloatVector.fromArray(S, x, xOff + i, m).fma(FloatVector.fromArray(S, y, yOff + i, m), acc);
        }
        return sumLanes(acc);
    }

    // ---------------------------------------------------------------- row-wise normalizations

    /** Softmax over each row of a row-major [rows, cols] block (the last axis). */
    public static void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * cols;
            int yo = yOff + r * cols;
            float mx = max(x, xo, cols);
            FloatVector mv = FloatVector.broadcast(S, mx);
            FloatVector acc = FloatVector.zero(S);
            int i = 0;
            int bound = S.loopBound(cols);
            for (; i < bound; i += L) {
                FloatVector e = exp(FloatVector.fromArray(S, x, xo + i).sub(mv));
                e.intoArray(y, yo + i);
                acc = acc.add(e);
            }
            if (i < cols) {
                VectorMask<Float> m = S.indexInRange(i, cols);
                FloatVector e = exp(FloatVector.fromArray(S, x, xo + i, m).sub(mv));
                e.intoArray(y, yo + i, m);
                acc = acc.add(e.blend(0f, m.not()));
            }
            float inv = 1f / sumLanes(acc);
            binaryScalar(BinaryOp.MUL, y, yo, inv, y, yo, cols);
        }
    }

    /**
     * Layer normalization over each row of a row-major [rows, cols] block:
     * y = (x - mean) / sqrt(var + eps) * gamma + beta, with the biased (population) variance.
     * {@code gamma} and {@code beta} (length cols) may be null.
     */
    public static void layerNormRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols,
                                     float[] gamma, int gammaOff, float[] beta, int betaOff, float eps) {
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * cols;
            int yo = yOff + r * cols;
            float mean = sum(x, xo, cols) / cols;
            FloatVector mv = FloatVector.broadcast(S, mean);
            FloatVector acc = FloatVector.zero(S);
            int i = 0;
            int bound = S.loopBound(cols);
            for (; i < bound; i += L) {
                FloatVector d = FloatVector.fromArray(S, x, xo + i).sub(mv);
                acc = d.fma(d, acc);
            }
            if (i < cols) {
                VectorMask<Float> m = S.indexInRange(i, cols);
                FloatVector d = FloatVector.fromArray(S, x, xo + i, m).sub(mv).blend(0f, m.not());
                acc = d.fma(d, acc);
            }
            float var = sumLanes(acc) / cols;
            float inv = (float) (1.0 / Math.sqrt(var + eps));
            FloatVector iv = FloatVector.broadcast(S, inv);
            for (i = 0; i < cols; i += L) {
                VectorMask<Float> m = S.indexInRange(i, cols);
                FloatVector v = FloatVector.fromArray(S, x, xo + i, m).sub(mv).mul(iv);
                if (gamma != null) {
                    v = v.mul(FloatVector.fromArray(S, gamma, gammaOff + i, m));
                }
                if (beta != null) {
                    v = v.add(FloatVector.fromArray(S, beta, betaOff + i, m));
                }
                v.intoArray(y, yo + i, m);
            }
        }
    }
}
