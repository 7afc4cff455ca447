package io.ghostflow.runtime.ops.linalg;

import io.ghostflow.runtime.ops.OpRegistry;

/** Linear-algebra operators: Gemm, MatMul, Einsum, Det, attention and the integer matrix products. */
public final class LinalgOps {
    private LinalgOps() {
    }

    public static void register(OpRegistry r) {
        r.register("Gemm", new int[] {1, 6, 7, 9, 11, 13}, Gemm::create);
        r.register("MatMul", new int[] {1, 9, 13}, MatMul::create);
        r.register("Einsum", new int[] {12}, Einsum::create);
        r.register("Det", new int[] {11, 22}, Det::create);
        r.register("Attention", new int[] {23, 24}, Attention::create);
        r.register("RotaryEmbedding", new int[] {23}, RotaryEmbedding::create);
        r.register("MatMulInteger", new int[] {10}, QuantMatMul::integer);
        r.register("QLinearMatMul", new int[] {10, 21}, QuantMatMul::qlinear);
    }
}
