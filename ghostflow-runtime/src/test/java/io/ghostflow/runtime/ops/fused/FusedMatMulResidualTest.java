package io.ghostflow.runtime.ops.fused;

import io.ghostflow.runtime.FusedModels;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * FusedMatMul's optional residual input Z: the packed kernel (Z added in the GEMM epilogue) and
 * the general path (a Z that broadcasts, a fed weight) against the plain-loop reference
 * {@code matmulBias(A, B, bias) + Z} then the activation.
 */
class FusedMatMulResidualTest {
    private static final float TOL = 2e-4f;
    private final Random rnd = new Random(11);

    @Test
    void residualInTheEpilogueMatchesReferenceOnRaggedShapes() {
        int[][] shapes = {{1, 1, 1, 1}, {1, 7, 19, 13}, {2, 5, 17, 33}, {3, 4, 64, 9}};
        Activation[] acts = {Activation.NONE, Activation.of(Activation.Kind.RELU), Activation.of(Activation.Kind.GELU)};
        for (int[] s : shapes) {
            for (Activation act : acts) {
                for (boolean withBias : new boolean[] {false, true}) {
                    Tensor a = FusedModels.random(rnd, s[0], s[1], s[2]);
                    Tensor w = FusedModels.random(rnd, s[2], s[3]);
                    Tensor bias = withBias ? FusedModels.random(rnd, s[3]) : null;
                    Tensor z = FusedModels.random(rnd, s[0], s[1], s[3]);
                    Map<String, Attribute> attrs = new LinkedHashMap<>();
                    act.writeTo(attrs);
                    Map<String, Tensor> constants = new LinkedHashMap<>();
                    constants.put("x1", w);
                    if (bias != null) {
                        constants.put("x2", bias);
                    }
                    Tensor got = FusedEpilogueKernelsTest.run("FusedMatMul", attrs, constants, a, w, bias, z);
                    FusedChecks.assertClose(got, reference(a, w, bias, z, act),
                            java.util.Arrays.toString(s) + " " + act + " bias=" + withBias, TOL);
                }
            }
        }
    }

    @Test
    void broadcastResidualAndFedWeightTakeTheGeneralPath() {
        Tensor a = FusedModels.random(rnd, 2, 3, 10);
        Tensor w = FusedModels.random(rnd, 10, 6);
        Tensor bias = FusedModels.random(rnd, 6);
        Tensor row = FusedModels.random(rnd, 6);
        Activation relu = Activation.of(Activation.Kind.RELU);
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        relu.writeTo(attrs);
        Tensor got = FusedEpilogueKernelsTest.run("FusedMatMul", attrs, Map.of("x1", w, "x2", bias), a, w, bias, row);
        FusedChecks.assertClose(got, reference(a, w, bias, row, relu), "broadcast residual", TOL);
        Tensor other = FusedModels.random(rnd, 10, 6);
        Tensor z = FusedModels.random(rnd, 2, 3, 6);
        Tensor fed = FusedEpilogueKernelsTest.run("FusedMatMul", attrs, Map.of("x1", w, "x2", bias), a, other, bias, z);
        FusedChecks.assertClose(fed, reference(a, other, bias, z, relu), "fed weight", TOL);
    }

    @Test
    void threeInputNodesKeepTheirMeaning() {
        Tensor a = FusedModels.random(rnd, 4, 12);
        Tensor w = FusedModels.random(rnd, 12, 5);
        Tensor bias = FusedModels.random(rnd, 5);
        Tensor got = FusedEpilogueKernelsTest.run("FusedMatMul", new LinkedHashMap<>(), Map.of("x1", w, "x2", bias), a, w, bias);
        FusedChecks.assertClose(got, FusedKernels.matmulBias(a, w, bias, Activation.NONE, 1), "no residual", TOL);
    }

    /** (A @ W + bias) + Z, then the activation, in double precision. */
    private static Tensor reference(Tensor a, Tensor w, Tensor bias, Tensor z, Activation act) {
        int k = w.dim(0), n = w.dim(1), m = a.size() / k;
        float[] av = a.floats(), wv = w.floats();
        int[] os = a.shape().clone();
        os[os.length - 1] = n;
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) av[i * k + p] * wv[p * n + j];
                }
                out[i * n + j] = (float) (s + (bias == null ? 0 : bias.floats()[j]));
            }
        }
        Tensor y = Tensor.of(out, os);
        FusedKernels.addInPlace(out, os, z);
        act.apply(out, 0, out.length);
        return y;
    }
}
