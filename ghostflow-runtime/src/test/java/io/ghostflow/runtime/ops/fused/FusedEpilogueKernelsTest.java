package io.ghostflow.runtime.ops.fused;

import io.ghostflow.runtime.FusedModels;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.ops.SingleOp;
import io.ghostflow.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The single-pass fused kernels (constant weights, everything in the packed kernel's epilogue)
 * against the plain-loop reference in FusedKernels, on shapes with ragged tails, groups,
 * depthwise, strides, padding, residuals and every activation family.
 */
class FusedEpilogueKernelsTest {
    private static final float TOL = 2e-4f;
    private final Random rnd = new Random(7);

    @Test
    void convMatchesReferenceAcrossGeometriesAndActivations() {
        // n, c, h, w, m, k, stride, pad, group
        int[][] cases = {
            {1, 3, 9, 11, 5, 3, 1, 1, 1},
            {2, 4, 7, 7, 6, 3, 2, 1, 2},
            {1, 8, 10, 9, 8, 3, 1, 1, 8},
            {1, 6, 6, 5, 16, 1, 1, 0, 1},
            {2, 5, 8, 8, 7, 5, 2, 2, 1},
        };
        Activation[] acts = {Activation.NONE, Activation.of(Activation.Kind.RELU), Activation.of(Activation.Kind.CLIP, 0f, 6f),
            Activation.of(Activation.Kind.HARD_SWISH), Activation.of(Activation.Kind.SIGMOID),
            Activation.of(Activation.Kind.LEAKY_RELU, 0.1f)};
        for (int[] cs : cases) {
            for (Activation act : acts) {
                for (boolean residual : new boolean[] {false, true}) {
                    int n = cs[0], c = cs[1], h = cs[2], w = cs[3], m = cs[4], k = cs[5], s = cs[6], pad = cs[7], g = cs[8];
                    int oh = (h + 2 * pad - k) / s + 1, ow = (w + 2 * pad - k) / s + 1;
                    Tensor x = FusedModels.random(rnd, n, c, h, w);
                    Tensor wt = FusedModels.random(rnd, m, c / g, k, k);
                    Tensor b = FusedModels.random(rnd, m);
                    Tensor z = residual ? FusedModels.random(rnd, n, m, oh, ow) : null;
                    Map<String, Attribute> attrs = new LinkedHashMap<>();
                    attrs.put("strides", Attribute.of("strides", new long[] {s, s}));
                    attrs.put("pads", Attribute.of("pads", new long[] {pad, pad, pad, pad}));
                    attrs.put("group", Attribute.of("group", (long) g));
                    act.writeTo(attrs);
                    Tensor got = run("FusedConv", attrs, Map.of("x1", wt, "x2", b), x, wt, b, z);
                    ConvParams p = new ConvParams(g, new int[] {s, s}, new int[] {1, 1}, new int[] {pad, pad, pad, pad}, "NOTSET");
                    Tensor want = FusedKernels.conv2d(x, wt, b, z, p, act, 1);
                    FusedChecks.assertClose(got, want, "conv " + java.util.Arrays.toString(cs) + " " + act + " residual=" + residual,
                            TOL);
                }
            }
        }
    }

    @Test
    void gemmAndMatMulMatchReference() {
        Activation[] acts = {Activation.NONE, Activation.of(Activation.Kind.RELU), Activation.of(Activation.Kind.GELU),
            Activation.of(Activation.Kind.GELU_TANH), Activation.of(Activation.Kind.TANH)};
        for (Activation act : acts) {
            for (boolean transB : new boolean[] {false, true}) {
                int mm = 5, kk = 19, nn = 13;
                Tensor a = FusedModels.random(rnd, mm, kk);
                Tensor bt = transB ? FusedModels.random(rnd, nn, kk) : FusedModels.random(rnd, kk, nn);
                Tensor c = FusedModels.random(rnd, nn);
                Map<String, Attribute> attrs = new LinkedHashMap<>();
                attrs.put("transB", Attribute.of("transB", transB ? 1L : 0L));
                attrs.put("alpha", Attribute.of("alpha", 0.5f));
                act.writeTo(attrs);
                Tensor got = run("FusedGemm", attrs, Map.of("x1", bt, "x2", c), a, bt, c);
                Tensor want = FusedKernels.gemm(a, bt, c, false, transB, 0.5f, 1f, act, 1);
                FusedChecks.assertClose(got, want, "gemm " + act + " transB=" + transB, TOL);
            }
            Tensor a3 = FusedModels.random(rnd, 2, 3, 17);
            Tensor b2 = FusedModels.random(rnd, 17, 11);
            Tensor bias = FusedModels.random(rnd, 11);
            Map<String, Attribute> attrs = new LinkedHashMap<>();
            act.writeTo(attrs);
            Tensor got = run("FusedMatMul", attrs, Map.of("x1", b2, "x2", bias), a3, b2, bias);
            Tensor want = FusedKernels.matmulBias(a3, b2, bias, act, 1);
            FusedChecks.assertClose(got, want, "matmul " + act, TOL);
        }
    }

    @Test
    void fedWeightsTakeTheGeneralPath() {
        Tensor x = FusedModels.random(rnd, 1, 2, 5, 5);
        Tensor wt = FusedModels.random(rnd, 3, 2, 3, 3);
        Tensor other = FusedModels.random(rnd, 3, 2, 3, 3);
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        Activation.of(Activation.Kind.RELU).writeTo(attrs);
        // the weight input is a different tensor than the constant the kernel packed
        Tensor got = run("FusedConv", attrs, Map.of("x1", wt), x, other);
        ConvParams p = new ConvParams(1, new int[] {1, 1}, new int[] {1, 1}, new int[4], "NOTSET");
        FusedChecks.assertClose(got, FusedKernels.conv2d(x, other, null, null, p, Activation.of(Activation.Kind.RELU), 1),
                "fed weights", TOL);
    }


    /** Runs one fused op with the named inputs as constants (pre-packed paths); trailing omitted inputs are left out. */
    static Tensor run(String op, Map<String, Attribute> attrs, Map<String, Tensor> constants, Tensor... inputs) {
        int n = inputs.length;
        while (n > 0 && inputs[n - 1] == null) {
            n--;
        }
        return (Tensor) SingleOp.run(FusedOps.DOMAIN, op, 1, attrs, constants, 1, 1, Arrays.copyOf(inputs, n))[0];
    }
}
