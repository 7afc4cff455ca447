package io.ghostflow.runtime.ops.fused;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Node;
import java.util.Map;

/**
 * An activation applied as a fused epilogue, named as in the {@code activation} attribute of
 * GhostFlow's fused ops, with its parameters from {@code activation_params}.
 */
public record Activation(Kind kind, float a, float b) {
    public enum Kind { NONE, RELU, CLIP, LEAKY_RELU, SIGMOID, HARD_SIGMOID, HARD_SWISH, SILU, TANH, GELU, GELU_TANH }

    public static final Activation NONE = new Activation(Kind.NONE, 0, 0);

    public static Activation of(Kind kind, float... params) {
        return new Activation(kind, params.length > 0 ? params[0] : 0, params.length > 1 ? params[1] : 0);
    }

    public float apply(float x) {
        return switch (kind) {
            case NONE -> x;
            case RELU -> x > 0 ? x : 0;
            case CLIP -> Math.min(Math.max(x, a), b);
            case LEAKY_RELU -> x >= 0 ? x : a * x;
            case SIGMOID -> sigmoid(x);
            case HARD_SIGMOID -> Math.max(0, Math.min(1, a * x + b));
            case HARD_SWISH -> x * Math.max(0, Math.min(1, x / 6f + 0.5f));
            case SILU -> x * sigmoid(x);
            case TANH -> (float) Math.tanh(x);
            case GELU -> Gelu.erf(x);
            case GELU_TANH -> Gelu.tanh(x);
        };
    }

    /** Applies in place to {@code v[from, to)}. */
    public void apply(float[] v, int from, int to) {
        if (kind == Kind.NONE) {
            return;
        }
        if (kind == Kind.RELU) {
            for (int i = from; i < to; i++) {
                v[i] = v[i] > 0 ? v[i] : 0;
            }
            return;
        }
        for (int i = from; i < to; i++) {
            v[i] = apply(v[i]);
        }
    }

    private static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /** The attribute form written onto a fused node. */
    public void writeTo(Map<String, Attribute> attrs) {
        attrs.put("activation", Attribute.of("activation", kind.name()));
        attrs.put("activation_params", Attribute.of("activation_params", new float[] {a, b}));
    }

    /** Reads the activation attributes of a fused node (absent = NONE). */
    public static Activation from(Node n) {
        String name = n.getString("activation", "NONE");
        Kind k;
        try {
            k = Kind.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, n.label() + ": unknown activation '" + name + "'");
        }
        float[] p = n.getFloats("activation_params", new float[0]);
        return of(k, p);
    }
}
