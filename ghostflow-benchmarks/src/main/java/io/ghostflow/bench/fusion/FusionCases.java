package io.ghostflow.bench.fusion;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.tensor.Tensor;
import java.util.List;

/** The seed's fusion claims, each on the shapes of a real network layer. */
final class FusionCases {
    private FusionCases() {
    }

    /** ResNet-18 layer1 block conv: [1,64,56,56] * 64x64x3x3, BatchNorm, Relu. */
    static FusionCase convBnRelu() {
        FusionCase c = new FusionCase("Conv+BN+ReLU", "x[1,64,56,56] W[64,64,3,3]").input("x", 1, 64, 56, 56)
                .weights("w", 0.05, 64, 64, 3, 3).weights("gamma", 0.2, 64).weights("beta", 0.2, 64).weights("mean", 0.2, 64);
        float[] var = new float[64];
        java.util.Arrays.fill(var, 1.5f);
        return c.constant("var", Tensor.of(var, 64))
                .node("Conv", List.of("x", "w"), "c", Attribute.of("kernel_shape", new long[] {3, 3}), Attribute.of("pads", new long[] {1, 1, 1, 1}))
                .node("BatchNormalization", List.of("c", "gamma", "beta", "mean", "var"), "bn")
                .node("Relu", List.of("bn"), "y");
    }

    /** An MLP hidden layer: [64,512] x [512,512]^T + b, Relu. */
    static FusionCase gemmRelu() {
        return new FusionCase("Gemm+ReLU", "A[64,512] B[512,512]").input("x", 64, 512)
                .weights("w", 0.05, 512, 512).weights("b", 0.1, 512)
                .node("Gemm", List.of("x", "w", "b"), "h", Attribute.of("transB", 1L))
                .node("Relu", List.of("h"), "y");
    }

    /** BERT-base dense layer: [8,128,768] x [768,768] + bias. */
    static FusionCase matMulAdd() {
        return new FusionCase("MatMul+Add", "x[8,128,768] W[768,768]").input("x", 8, 128, 768)
                .weights("w", 0.05, 768, 768).weights("b", 0.1, 768)
                .node("MatMul", List.of("x", "w"), "h")
                .node("Add", List.of("h", "b"), "y");
    }

    /** Decomposed LayerNorm (older exports) on BERT-base activations [8,128,768]. */
    static FusionCase layerNorm() {
        return new FusionCase("LayerNorm", "x[8,128,768]").input("x", 8, 128, 768)
                .weights("gamma", 0.5, 768).weights("beta", 0.5, 768).scalar("two", 2).scalar("eps", 1e-12f)
                .node("ReduceMean", List.of("x"), "m", Attribute.of("axes", new long[] {-1}))
                .node("Sub", List.of("x", "m"), "d")
                .node("Pow", List.of("d", "two"), "p")
                .node("ReduceMean", List.of("p"), "v", Attribute.of("axes", new long[] {-1}))
                .node("Add", List.of("v", "eps"), "ve")
                .node("Sqrt", List.of("ve"), "s")
                .node("Div", List.of("d", "s"), "n")
                .node("Mul", List.of("n", "gamma"), "g")
                .node("Add", List.of("g", "beta"), "y");
    }

    /** Erf GELU on BERT-base's intermediate activations [8,128,3072]. */
    static FusionCase gelu() {
        return new FusionCase("GELU", "x[8,128,3072]").input("x", 8, 128, 3072)
                .scalar("sqrt2", 1.4142135f).scalar("one", 1).scalar("half", 0.5f)
                .node("Div", List.of("x", "sqrt2"), "a").node("Erf", List.of("a"), "e").node("Add", List.of("e", "one"), "p")
                .node("Mul", List.of("x", "p"), "q").node("Mul", List.of("q", "half"), "y");
    }

    /** BERT-base self-attention: 12 heads of 64, sequence 128, batch 8, additive mask. */
    static FusionCase attention() {
        FusionCase c = new FusionCase("Attention", "Q,K,V[8,12,128,64] mask[8,1,1,128]");
        float[] mask = new float[8 * 128];
        for (int b = 0; b < 8; b++) {
            for (int j = 100; j < 128; j++) {
                mask[b * 128 + j] = -10000f;
            }
        }
        return c.input("q", 8, 12, 128, 64).input("kt", 8, 12, 64, 128).input("v", 8, 12, 128, 64)
                .constant("mask", Tensor.of(mask, 8, 1, 1, 128)).scalar("scale", 0.125f)
                .node("MatMul", List.of("q", "kt"), "s").node("Mul", List.of("s", "scale"), "ss")
                .node("Add", List.of("ss", "mask"), "sm").node("Softmax", List.of("sm"), "p", Attribute.of("axis", -1L))
                .node("MatMul", List.of("p", "v"), "y");
    }

    static List<FusionCase> all() {
        return List.of(convBnRelu(), gemmRelu(), matMulAdd(), layerNorm(), gelu(), attention());
    }
}
