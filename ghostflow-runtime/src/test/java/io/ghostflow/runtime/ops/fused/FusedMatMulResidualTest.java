package io.ghostflow.runtime.ops.fused;

import static org.assertj.core.api.Assertions.assertThat;

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
                    Tensor a = random(s[0], s[1], s[2]);
                    Tensor w = random(s[2], s[3]);
                    Tensor bias = withBias ? random(s[3]) : null;
                    Tensor z = random(s[0], s[1], s[3]);
                    Map<String, Attribute> attrs = new LinkedHashMap<>();
                    act.writeTo(attrs);
                    Map<String, Tensor> constants = new LinkedHashMap<>();
                    constants.put("x1", w);
                    if (bias != null) {
                        constants.put("x2", bias);
                    }
                    Tensor got = FusedEpilogueKernelsTest.run("FusedMatMul", attrs, constants, a, w, bias, z);
                    assertClose(got, reference(a, w, bias, z, act), java.util.Arrays.toString(s) + " " + act + " bias=" + withBias);
                }
            }
        }
    }

    @Test
    void broadcastResidualAndFedWeightTakeTheGeneralPath() {
        Tensor a = random(2, 3, 10);
        Tensor w = random(10, 6);
        Tensor bias = random(6);
        Tensor row = random(6);
        Activation relu = Activation.of(Activation.Kind.RELU);
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        relu.writeTo(attrs);
        Tensor got = FusedEpilogueKernelsTest.run("FusedMatMul", attrs, Map.of("x1", w, "x2", bias), a, w, bias, row);
        assertClose(got, reference(a, w, bias, row, relu), "broadcast residual");
        Tensor other = random(10, 6);
        Tensor z = random(2, 3, 6);
        Tensor fed = FusedEpilogueKernelsTest.run("FusedMatMul", attrs, Map.of("x1", w, "x2", bias), a, other, bias, z);
        assertClose(fed, reference(a, other, bias, z, relu), "fed weight");
    }

    @Test
    void threeInputNodesKeepTheirMeaning() {
        Tensor a = random(4, 12);
        Tensor w = random(12, 5);
        Tensor bias = random(5);
        Tensor got = FusedEpilogueKernelsTest.run("FusedMatMul", new LinkedHashMap<>(), Map.of("x1", w, "x2", bias), a, w, bias);
        assertClose(got, FusedKernels.matmulBias(a, w, bias, Activation.NONE, 1), "no residual");
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

    private Tensor random(int... shape) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return Tensor.of(v, shape);
    }

    private static void assertClose(Tensor got, Tensor want, String what) {
        assertThat(got.shape()).as(what).isEqualTo(want.shape());
        float[] g = got.floats(), w = want.floats();
        for (int i = 0; i < g.length; i++) {
            assertThat(Math.abs(g[i] - w[i])).as(what + " at " + i + ": " + g[i] + " vs " + w[i])
                    .isLessThanOrEqualTo(TOL * (1 + Math.abs(w[i])));
        }
    }
}
