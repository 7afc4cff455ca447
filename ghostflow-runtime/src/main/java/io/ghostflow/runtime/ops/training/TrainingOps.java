package io.ghostflow.runtime.ops.training;

import io.ghostflow.runtime.ops.OpRegistry;

/** Operators of the ai.onnx.preview.training domain: Gradient and the optimizer update rules. */
public final class TrainingOps {
    public static final String DOMAIN = "ai.onnx.preview.training";

    private TrainingOps() {
    }

    public static void register(OpRegistry r) {
        r.register(DOMAIN, "Gradient", 1, GradientOp::create);
        r.register(DOMAIN, "Adagrad", 1, Optimizers::adagrad);
        r.register(DOMAIN, "Momentum", 1, Optimizers::momentum);
        r.register(DOMAIN, "Adam", 1, Optimizers::adam);
    }
}
