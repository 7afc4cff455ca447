package io.ghostflow.runtime.ops.math;

import io.ghostflow.runtime.ops.OpRegistry;

/** Registers the element-wise math family. */
public final class MathOps {
    private MathOps() {
    }

    public static void register(OpRegistry r) {
        ArithmeticOps.register(r);
        UnaryMathOps.register(r);
        VariadicOps.register(r);
        ActivationOps.register(r);
        ClipOp.register(r);
        SoftmaxOps.register(r);
    }
}
