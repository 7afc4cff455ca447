package io.ghostflow.kernels;

/** Elementwise binary arithmetic understood by {@link VectorMath}'s broadcasting helpers. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN;

    /** Scalar reference with Java float semantics (MAX/MIN propagate NaN like {@link Math#max}). */
    public float apply(float a, float b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
        };
    }
}
