package io.ghostflow.runtime.ops.rnn;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;

/** The activation functions the recurrent ops accept by name, with their alpha/beta. */
record Activation(String name, float alpha, float beta) {
    /** Whether this function consumes values from activation_alpha / activation_beta. */
    static boolean usesAlpha(String name) {
        return switch (name.toLowerCase()) {
            case "affine", "leakyrelu", "thresholdedrelu", "scaledtanh", "hardsigmoid", "elu" -> true;
            default -> false;
        };
    }

    static boolean usesBeta(String name) {
        return switch (name.toLowerCase()) {
            case "affine", "scaledtanh", "hardsigmoid" -> true;
            default -> false;
        };
    }

    static float defaultAlpha(String name) {
        return switch (name.toLowerCase()) {
            case "leakyrelu" -> 0.01f;
            case "hardsigmoid" -> 0.2f;
            default -> 1f;
        };
    }

    static float defaultBeta(String name) {
        return switch (name.toLowerCase()) {
            case "hardsigmoid" -> 0.5f;
            case "affine" -> 0f;
            default -> 1f;
        };
    }

    static void check(String name) {
        switch (name.toLowerCase()) {
            case "relu", "tanh", "sigmoid", "affine", "leakyrelu", "thresholdedrelu", "scaledtanh", "hardsigmoid", "elu",
                    "softsign", "softplus" -> { }
            default -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "recurrent activation '" + name + "'");
        }
    }

    float apply(float x) {
        return switch (name.toLowerCase()) {
            case "relu" -> Math.max(0f, x);
            case "tanh" -> (float) Math.tanh(x);
            case "sigmoid" -> (float) (1.0 / (1.0 + Math.exp(-x)));
            case "affine" -> alpha * x + beta;
            case "leakyrelu" -> x >= 0 ? x : alpha * x;
            case "thresholdedrelu" -> x > alpha ? x : 0f;
            case "scaledtanh" -> alpha * (float) Math.tanh(beta * x);
            case "hardsigmoid" -> Math.max(0f, Math.min(1f, alpha * x + beta));
            case "elu" -> x >= 0 ? x : alpha * (float) (Math.exp(x) - 1);
            case "softsign" -> x / (1 + Math.abs(x));
            case "softplus" -> (float) Math.log1p(Math.exp(x));
            default -> throw new IllegalStateException(name);
        };
    }
}
