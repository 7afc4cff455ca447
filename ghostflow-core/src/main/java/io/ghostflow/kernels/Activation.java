package io.ghostflow.kernels;

import java.util.Objects;

/**
 * An elementwise activation applied by fused epilogues and {@link VectorMath#activation}.
 * Immutable; {@link #apply(float)} is the scalar reference (computed in double), the vector
 * version lives in {@link VectorMath}.
 */
public final class Activation {
    /** The activation family; parameters are in {@link #alpha()} / {@link #beta()}. */
    public enum Kind {
        NONE, RELU, CLIP, LEAKY_RELU, SIGMOID, TANH, HARD_SIGMOID, HARD_SWISH, GELU_ERF, GELU_TANH, SILU
    }

    public static final Activation NONE = new Activation(Kind.NONE, 0f, 0f);
    public static final Activation RELU = new Activation(Kind.RELU, 0f, 0f);
    public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0f, 0f);
    public static final Activation TANH = new Activation(Kind.TANH, 0f, 0f);
    public static final Activation HARD_SWISH = new Activation(Kind.HARD_SWISH, 1f / 6f, 0.5f);
    public static final Activation GELU_ERF = new Activation(Kind.GELU_ERF, 0f, 0f);
    public static final Activation GELU_TANH = new Activation(Kind.GELU_TANH, 0f, 0f);
    public static final Activation SILU = new Activation(Kind.SILU, 0f, 0f);

    private final Kind kind;
    private final float alpha;
    private final float beta;

    private Activation(Kind kind, float alpha, float beta) {
        this.kind = Objects.requireNonNull(kind);
        this.alpha = alpha;
        this.beta = beta;
    }

    /** min(max(x, min), max); Relu6 is {@code clip(0, 6)}. */
    public static Activation clip(float min, float max) {
        return new Activation(Kind.CLIP, min, max);
    }

    public static Activation relu6() {
        return clip(0f, 6f);
    }

    /** x if x >= 0 else alpha * x. */
    public static Activation leakyRelu(float alpha) {
        return new Activation(Kind.LEAKY_RELU, alpha, 0f);
    }

    /** max(0, min(1, alpha * x + beta)); ONNX defaults are alpha 0.2, beta 0.5. */
    public static Activation hardSigmoid(float alpha, float beta) {
        return new Activation(Kind.HARD_SIGMOID, alpha, beta);
    }

    public Kind kind() {
        return kind;
    }

    /** CLIP: min; LEAKY_RELU / HARD_SIGMOID: alpha. */
    public float alpha() {
        return alpha;
    }

    /** CLIP: max; HARD_SIGMOID: beta. */
    public float beta() {
        return beta;
    }

    public boolean isIdentity() {
        return kind == Kind.NONE;
    }

    /** Scalar reference, evaluated in double precision. */
    public float apply(float xf) {
        double x = xf;
        double r = switch (kind) {
            case NONE -> x;
            case RELU -> x > 0 ? x : (Double.isNaN(x) ? x : 0.0);
            case CLIP -> Double.isNaN(x) ? x : Math.min(Math.max(x, alpha), beta);
            case LEAKY_RELU -> x >= 0 ? x : alpha * x;
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
            case TANH -> Math.tanh(x);
            case HARD_SIGMOID -> Double.isNaN(x) ? x : Math.max(0.0, Math.min(1.0, (double) alpha * x + beta));
            case HARD_SWISH -> Double.isNaN(x) ? x : x * Math.max(0.0, Math.min(1.0, x / 6.0 + 0.5));
            case GELU_ERF -> 0.5 * x * (1.0 + ScalarMath.erf(x / Math.sqrt(2.0)));
            case GELU_TANH -> 0.5 * x * (1.0 + Math.tanh(Math.sqrt(2.0 / Math.PI) * (x + 0.044715 * x * x * x)));
            case SILU -> x / (1.0 + Math.exp(-x));
        };
        return (float) r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Activation a && a.kind == kind
                && Float.compare(a.alpha, alpha) == 0 && Float.compare(a.beta, beta) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, alpha, beta);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CLIP -> "CLIP(" + alpha + "," + beta + ")";
            case LEAKY_RELU -> "LEAKY_RELU(" + alpha + ")";
            case HARD_SIGMOID -> "HARD_SIGMOID(" + alpha + "," + beta + ")";
            default -> kind.name();
        };
    }
}
