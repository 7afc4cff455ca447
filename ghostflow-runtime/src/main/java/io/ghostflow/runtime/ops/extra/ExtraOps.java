package io.ghostflow.runtime.ops.extra;

import io.ghostflow.runtime.ops.OpRegistry;

/** Recent default-domain operators that fit no older family: bit casts, cache updates, gated units. */
public final class ExtraOps {
    private ExtraOps() {
    }

    public static void register(OpRegistry r) {
        r.register("BitCast", 26, BitCastOp::create);
        r.register("ImageDecoder", 20, ImageDecoderOp::create);
        r.register("DeformConv", 19, DeformConvOp::create);
        r.register("DeformConv", 22, DeformConvOp::create);
        r.register("TfIdfVectorizer", 9, TfIdfVectorizerOp::create);
        r.register("AffineGrid", 20, AffineGridOp::create);
        r.register("SwiGLU", 28, SwiGluOp::create);
        r.register("TensorScatter", 24, TensorScatterOp::create);
        r.register("CausalConvWithState", 27, CausalConvWithStateOp::create);
        r.register("LinearAttention", 27, LinearAttentionOp::create);
        r.register("ai.onnx.preview", "FlexAttention", 1, FlexAttentionOp::create);
    }
}
