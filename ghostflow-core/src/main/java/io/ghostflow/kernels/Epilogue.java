package io.ghostflow.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * What a GEMM or convolution does to each output element after the dot product, while the
 * output tile is still in L1: {@code c = act(c + bias + residual)}. The bias is indexed per
 * output column (Gemm / MatMul bias) or per output row (convolution channel); the residual is
 * a second matrix of the output's shape with its own offset and leading dimension, read at
 * the same (row, column). Immutable; the {@code with*} methods return copies.
 */
public final class Epilogue {
    /** How the bias vector is indexed. */
    public enum BiasMode { NONE, PER_COLUMN, PER_ROW }

    public static final Epilogue NONE = new Epilogue(BiasMode.NONE, null, 0, null, 0, 0, Activation.NONE);

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Stands for an absent bias or residual: two vectors of -0, the exact identity of addition. */
    static final float[] NEG_ZEROS = negativeZeros(2 * L);

    private final BiasMode biasMode;
    private final float[] bias;
    private final int biasOff;
    private final float[] residual;
    private final int residualOff;
    private final int residualLd;
    private final Activation activation;

    private Epilogue(BiasMode biasMode, float[] bias, int biasOff, float[] residual, int residualOff,
                     int residualLd, Activation activation) {
        this.biasMode = biasMode;
        this.bias = bias;
        this.biasOff = biasOff;
        this.residual = residual;
        this.residualOff = residualOff;
        this.residualLd = residualLd;
        this.activation = activation == null ? Activation.NONE : activation;
    }

    public static Epilogue of(Activation act) {
        return NONE.withActivation(act);
    }

    /** bias[biasOff + column] is added to every row. */
    public Epilogue withColumnBias(float[] b, int off) {
        return new Epilogue(b == null ? BiasMode.NONE : BiasMode.PER_COLUMN, b, off, residual, residualOff,
                residualLd, activation);
    }

    /** bias[biasOff + row] is added to every column (a convolution's per-channel bias). */
    public Epilogue withRowBias(float[] b, int off) {
        return new Epilogue(b == null ? BiasMode.NONE : BiasMode.PER_ROW, b, off, residual, residualOff,
                residualLd, activation);
    }

    /** residual[off + row * ld + column] is added before the activation. */
    public Epilogue withResidual(float[] r, int off, int ld) {
        return new Epilogue(biasMode, bias, biasOff, r, off, ld, activation);
    }

    /**
     * The same epilogue with the residual {@code rows} rows (of its leading dimension) further
     * on, bias rows unchanged: the next image of a batch whose per-image output is [channels,
     * pixels]. Without a residual, this epilogue itself.
     */
    public Epilogue withResidualRowsAhead(int rows) {
        return residual == null ? this
                : new Epilogue(biasMode, bias, biasOff, residual, residualOff + rows * residualLd, residualLd, activation);
    }

    public Epilogue withActivation(Activation act) {
        return new Epilogue(biasMode, bias, biasOff, residual, residualOff, residualLd, act);
    }

    /**
     * The same epilogue for a sub-block whose row 0 / column 0 is (rowShift, colShift) of this
     * one's: bias and residual offsets move along, so callers that split an output (batches,
     * groups) need no index arithmetic of their own.
     */
    public Epilogue shifted(int rowShift, int colShift) {
        if (this == NONE || (rowShift == 0 && colShift == 0)) {
            return this;
        }
        int bo = switch (biasMode) {
            case NONE -> biasOff;
            case PER_COLUMN -> biasOff + colShift;
            case PER_ROW -> biasOff + rowShift;
        };
        int ro = residual == null ? residualOff : residualOff + rowShift * residualLd + colShift;
        return new Epilogue(biasMode, bias, bo, residual, ro, residualLd, activation);
    }

    public BiasMode biasMode() {
        return biasMode;
    }

    public float[] bias() {
        return bias;
    }

    public int biasOffset() {
        return biasOff;
    }

    public float[] residual() {
        return residual;
    }

    public int residualOffset() {
        return residualOff;
    }

    public int residualLd() {
        return residualLd;
    }

    public Activation activation() {
        return activation;
    }

    public boolean isIdentity() {
        return biasMode == BiasMode.NONE && residual == null && activation.isIdentity();
    }

    /**
     * True when the whole epilogue is a per-row bias and/or ReLU / Clip, which the 4-row
     * micro-kernel applies in registers ({@link GemmMicroKernel#kernel4SetBiasClamp}).
     */
    boolean fitsRowBiasClamp() {
        Activation.Kind kind = activation.kind();
        return residual == null && biasMode != BiasMode.PER_COLUMN && !isIdentity()
                && (kind == Activation.Kind.NONE || kind == Activation.Kind.RELU || kind == Activation.Kind.CLIP);
    }

    /**
     * True when the epilogue is nothing or only a per-row bias and / or ReLU / Clip: kernels that
     * apply {@link #rowBias}, {@link #clampLow} and {@link #clampHigh} in registers then need no
     * pass after the store.
     */
    boolean atMostRowBiasClamp() {
        return isIdentity() || fitsRowBiasClamp();
    }

    /**
     * True when the epilogue is at most a per-row bias, a residual and ReLU / Clip: what a kernel
     * storing whole rows applies with {@link #rowBias}, {@link #residual} and the clamp bounds.
     */
    boolean atMostRowBiasResidualClamp() {
        Activation.Kind kind = activation.kind();
        return biasMode != BiasMode.PER_COLUMN
                && (kind == Activation.Kind.NONE || kind == Activation.Kind.RELU || kind == Activation.Kind.CLIP);
    }

    /** The per-row bias array, or null. */
    float[] rowBias() {
        return biasMode == BiasMode.PER_ROW ? bias : null;
    }

    /** Lower bound of the ReLU / Clip, -inf without one. */
    float clampLow() {
        Activation.Kind kind = activation.kind();
        return kind == Activation.Kind.CLIP ? activation.alpha() : kind == Activation.Kind.RELU ? 0f : Float.NEGATIVE_INFINITY;
    }

    /** Upper bound of the Clip, +inf without one. */
    float clampHigh() {
        return activation.kind() == Activation.Kind.CLIP ? activation.beta() : Float.POSITIVE_INFINITY;
    }

    /** Scalar reference for one element at logical (row, col). */
    public float applyScalar(float v, int row, int col) {
        float r = v;
        if (biasMode == BiasMode.PER_COLUMN) {
            r += bias[biasOff + col];
        } else if (biasMode == BiasMode.PER_ROW) {
            r += bias[biasOff + row];
        }
        if (residual != null) {
            r += residual[residualOff + row * residualLd + col];
        }
        return activation.apply(r);
    }

    /**
     * Applies the epilogue in place to the block c[cOff + r * ldc + j], r < rows, j < cols, whose
     * element (0, 0) is logical output (row0, col0).
     *
     * <p>Vectors never cross a call here: a FloatVector handed to a method the JIT does not inline
     * (VectorMath.activate compiles too large for that) is boxed on the heap, which cost more
     * than the convolution itself. So bias and residual are added in one loop, the cheap
     * activations run inline in their own loops, and the others go through the array form.
     */
    void apply(float[] c, int cOff, int ldc, int row0, int col0, int rows, int cols) {
        if (isIdentity()) {
            return;
        }
        boolean addends = biasMode != BiasMode.NONE || residual != null;
        for (int r = 0; r < rows; r++) {
            rowPass(c, cOff + r * ldc, row0 + r, col0, cols, addends);
        }
    }

    /**
     * {@link #apply} for a full register tile of {@code rows} x 2 vectors, in one pass without
     * per-row calls: with the small depths of many convolutions (K = 27 .. 150), the generic
     * per-row add-then-activate loops cost about as much as the tile's multiply-adds. Other
     * activations than ReLU / Clip take the generic path.
     */
    void applyTile(float[] c, int cOff, int ldc, int row0, int col0, int rows) {
        Activation.Kind kind = activation.kind();
        if (kind != Activation.Kind.NONE && kind != Activation.Kind.RELU && kind != Activation.Kind.CLIP) {
            apply(c, cOff, ldc, row0, col0, rows, 2 * L);
            return;
        }
        if (isIdentity()) {
            return;
        }
        float lo = kind == Activation.Kind.CLIP ? activation.alpha() : kind == Activation.Kind.RELU ? 0f
                : Float.NEGATIVE_INFINITY;
        float hi = kind == Activation.Kind.CLIP ? activation.beta() : Float.POSITIVE_INFINITY;
        // Every addend is always added, an absent one as -0 (x + -0 == x for every x, -0 included):
        // choosing arrays and scalars instead of vectors keeps the loop free of vector merges,
        // which C2 may box (hundreds of KB per run once a profile tipped it that way).
        boolean columnBias = biasMode == BiasMode.PER_COLUMN;
        boolean rowBias = biasMode == BiasMode.PER_ROW;
        float[] cb = columnBias ? bias : NEG_ZEROS;
        int cbo = columnBias ? biasOff + col0 : 0;
        float[] res = residual == null ? NEG_ZEROS : residual;
        int ro = residual == null ? 0 : residualOff + row0 * residualLd + col0;
        int rStep = residual == null ? 0 : residualLd;
        FloatVector b0 = FloatVector.fromArray(S, cb, cbo);
        FloatVector b1 = FloatVector.fromArray(S, cb, cbo + L);
        for (int r = 0; r < rows; r++) {
            int co = cOff + r * ldc;
            float rb = rowBias ? bias[biasOff + row0 + r] : -0f;
            // the same additions in the same order as the generic path: bias, then residual
            FloatVector v0 = FloatVector.fromArray(S, c, co).add(b0).add(rb).add(FloatVector.fromArray(S, res, ro));
            FloatVector v1 = FloatVector.fromArray(S, c, co + L).add(b1).add(rb)
                    .add(FloatVector.fromArray(S, res, ro + L));
            // compare-and-blend keeps NaN, as the scalar reference does
            v0 = v0.blend(lo, v0.compare(VectorOperators.LT, lo)).blend(hi, v0.compare(VectorOperators.GT, hi));
            v1 = v1.blend(lo, v1.compare(VectorOperators.LT, lo)).blend(hi, v1.compare(VectorOperators.GT, hi));
            v0.intoArray(c, co);
            v1.intoArray(c, co + L);
            ro += rStep;
        }
    }

    /**
     * One row of {@link #apply}: c[co + j] += bias + residual for j < cols of logical row
     * {@code row} (when {@code addends}), then the activation in place. One method on purpose: its
     * bytecode is larger than C2 inlines, so its vector loops are always compiled on their own.
     * Small vector helpers inlined into large callers (Gemm.serial, the Winograd transforms) have
     * been seen to run the Vector API's Java fallback for good in some JVMs.
     */
    private void rowPass(float[] c, int co, int row, int col0, int cols, boolean addends) {
        if (addends) {
            boolean colBias = biasMode == BiasMode.PER_COLUMN;
            float rowBias = biasMode == BiasMode.PER_ROW ? bias[biasOff + row] : -0f;
            // Absent addends are -0 (an exact identity), chosen as arrays, not vectors: see applyTile.
            float[] cb = colBias ? bias : NEG_ZEROS;
            float[] res = residual == null ? NEG_ZEROS : residual;
            int ro = residual == null ? 0 : residualOff + row * residualLd + col0;
            int bo = colBias ? biasOff + col0 : 0;
            int cbStep = colBias ? 1 : 0;
            int rStep = residual == null ? 0 : 1;
            int j = 0;
            int bound = S.loopBound(cols);
            for (; j < bound; j += L) {
                FloatVector v = FloatVector.fromArray(S, c, co + j)
                        .add(FloatVector.fromArray(S, cb, bo + j * cbStep)).add(rowBias)
                        .add(FloatVector.fromArray(S, res, ro + j * rStep));
                v.intoArray(c, co + j);
            }
            for (; j < cols; j++) {
                c[co + j] = c[co + j] + cb[bo + j * cbStep] + rowBias + res[ro + j * rStep];
            }
        }
        Activation.Kind kind = activation.kind();
        if (kind == Activation.Kind.NONE) {
            return;
        }
        if (kind != Activation.Kind.RELU && kind != Activation.Kind.CLIP) {
            VectorMath.activation(activation, c, co, c, co, cols);
            return;
        }
        // RELU is CLIP(0, +inf); compare-and-blend keeps NaN as the scalar reference does
        float lo = kind == Activation.Kind.RELU ? 0f : activation.alpha();
        float hi = kind == Activation.Kind.RELU ? Float.POSITIVE_INFINITY : activation.beta();
        int j = 0;
        int bound = S.loopBound(cols);
        for (; j < bound; j += L) {
            FloatVector v = FloatVector.fromArray(S, c, co + j);
            v = v.blend(lo, v.compare(VectorOperators.LT, lo)).blend(hi, v.compare(VectorOperators.GT, hi));
            v.intoArray(c, co + j);
        }
        for (; j < cols; j++) {
            float x = c[co + j];
            c[co + j] = x < lo ? lo : x > hi ? hi : x;
        }
    }

    private static float[] negativeZeros(int n) {
        float[] z = new float[n];
        java.util.Arrays.fill(z, -0f);
        return z;
    }

    @Override
    public String toString() {
        return "Epilogue[bias=" + biasMode + ", residual=" + (residual != null) + ", act=" + activation + "]";
    }
}
