package io.ghostflow.runtime.ops;

/** Registers every built-in operator family. Each family lives in its own package under ops/. */
final class StandardOps {
    private StandardOps() {
    }

    static void registerAll(OpRegistry r) {
        io.ghostflow.runtime.ops.basic.BasicOps.register(r);
        io.ghostflow.runtime.ops.nn.NnOps.register(r);
        io.ghostflow.runtime.ops.linalg.LinalgOps.register(r);
        io.ghostflow.runtime.ops.rnn.RnnOps.register(r);
        io.ghostflow.runtime.ops.math.MathOps.register(r);
        io.ghostflow.runtime.ops.logic.LogicOps.register(r);
        io.ghostflow.runtime.ops.reduce.ReduceOps.register(r);
        io.ghostflow.runtime.ops.misc.MiscOps.register(r);
        io.ghostflow.runtime.ops.quant.QuantOps.register(r);
        io.ghostflow.runtime.ops.text.StringOps.register(r);
        io.ghostflow.runtime.ops.tensor.TensorOps.register(r);
        io.ghostflow.runtime.ops.control.ControlOps.register(r);
        io.ghostflow.runtime.ops.sequence.SequenceOps.register(r);
        io.ghostflow.runtime.ops.image.ImageOps.register(r);
        io.ghostflow.runtime.ops.training.TrainingOps.register(r);
        io.ghostflow.runtime.ops.extra.ExtraOps.register(r);
        io.ghostflow.runtime.ops.ml.MlOps.register(r);
        io.ghostflow.runtime.ops.fused.FusedOps.register(r);
    }
}
