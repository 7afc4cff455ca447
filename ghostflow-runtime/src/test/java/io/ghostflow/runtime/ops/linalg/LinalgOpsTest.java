package io.ghostflow.runtime.ops.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.FusedModels;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Semantics the ONNX node tests do not pin down: integer wrap, zero-point layouts, einsum corner cases, errors. */
class LinalgOpsTest {
    @Test
    void integerMatMulWrapsLikeInt32() {
        Tensor a = Tensor.ofInts(new int[] {Integer.MAX_VALUE, 1}, 1, 2);
        Tensor b = Tensor.ofInts(new int[] {2, 3}, 2, 1);
        Tensor y = (Tensor) OpHarness.run("MatMul", 13, Map.of(), a, b)[0];
        assertThat(y.dtype()).isEqualTo(DType.INT32);
        assertThat(y.ints()[0]).isEqualTo(Integer.MAX_VALUE * 2 + 3);
    }

    @Test
    void matMulBroadcastsBatchAndSqueezesVectors() {
        Random r = new Random(1);
        Tensor a = FusedModels.random(r, 2, 1, 3, 4);
        Tensor b = FusedModels.random(r, 3, 4, 5);
        Tensor y = (Tensor) OpHarness.run("MatMul", 13, Map.of(), a, b)[0];
        assertThat(y.shape()).containsExactly(2, 3, 3, 5);
        float[] av = a.floats();
        float[] bv = b.floats();
        // y[1, 2, 0, 4] = sum_k a[1, 0, 0, k] * b[2, k, 4]
        double e = 0;
        for (int k = 0; k < 4; k++) {
            e += av[(1 * 3 + 0) * 4 + k] * bv[(2 * 4 + k) * 5 + 4];
        }
        assertThat((double) y.floats()[((1 * 3 + 2) * 3 + 0) * 5 + 4]).isCloseTo(e, within(1e-5));
        Tensor v = (Tensor) OpHarness.run("MatMul", 13, Map.of(), Tensor.of(new float[] {1, 2}, 2), Tensor.of(new float[] {3, 4}, 2))[0];
        assertThat(v.shape()).isEmpty();
        assertThat(v.floats()[0]).isEqualTo(11f);
    }

    @Test
    void matMulIntegerHonoursPerRowAndPerColumnZeroPoints() {
        byte[] a = {10, 20, 30, 40};            // uint8 [2, 2]
        byte[] b = {(byte) -1, 2, 3, (byte) -4}; // int8 [2, 2]
        Tensor y = (Tensor) OpHarness.run("MatMulInteger", 10, Map.of(),
                Tensor.ofArray(DType.UINT8, a, 2, 2), Tensor.ofArray(DType.INT8, b, 2, 2),
                Tensor.ofArray(DType.UINT8, new byte[] {1, 2}, 2), Tensor.ofArray(DType.INT8, new byte[] {0, 1}, 2))[0];
        // rows minus {1, 2}: [[9, 19], [28, 38]]; columns minus {0, 1}: [[-1, 1], [3, -5]]
        assertThat(y.ints()).containsExactly(9 * -1 + 19 * 3, 9 * 1 + 19 * -5, 28 * -1 + 38 * 3, 28 * 1 + 38 * -5);
    }

    @Test
    void qlinearMatMulSaturatesToTheOutputType() {
        Tensor one = Tensor.scalar(1f).reshape();
        Tensor zeroU8 = Tensor.ofArray(DType.UINT8, new byte[] {0});
        Tensor a = Tensor.ofArray(DType.UINT8, new byte[] {(byte) 200, (byte) 200}, 1, 2);
        Tensor b = Tensor.ofArray(DType.UINT8, new byte[] {(byte) 200, 0}, 2, 1);
        Tensor y = (Tensor) OpHarness.run("QLinearMatMul", 10, Map.of(), a, one, zeroU8, b, one, zeroU8, one, zeroU8)[0];
        assertThat(y.getLong(0)).isEqualTo(255);
    }

    @Test
    void einsumHandlesTraceDiagonalAndEllipsis() {
        Tensor m = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3);
        assertThat(((Tensor) OpHarness.run("Einsum", 12, Map.of("equation", "ii"), m)[0]).floats()).containsExactly(15f);
        assertThat(((Tensor) OpHarness.run("Einsum", 12, Map.of("equation", "ii->i"), m)[0]).floats()).containsExactly(1f, 5f, 9f);
        assertThat(((Tensor) OpHarness.run("Einsum", 12, Map.of("equation", "ij->ji"), m)[0]).floats())
                .containsExactly(1f, 4f, 7f, 2f, 5f, 8f, 3f, 6f, 9f);
        Random r = new Random(3);
        Tensor a = FusedModels.random(r, 2, 3, 4);
        Tensor b = FusedModels.random(r, 4, 5);
        Tensor viaEinsum = (Tensor) OpHarness.run("Einsum", 12, Map.of("equation", "...ij,jk->...ik"), a, b)[0];
        Tensor viaMatMul = (Tensor) OpHarness.run("MatMul", 13, Map.of(), a, b)[0];
        assertThat(viaEinsum.shape()).containsExactly(2, 3, 5);
        for (int i = 0; i < viaEinsum.size(); i++) {
            assertThat(viaEinsum.floats()[i]).isCloseTo(viaMatMul.floats()[i], within(1e-4f));
        }
    }

    @Test
    void detOfSingularAndPermutedMatrices() {
        Tensor x = Tensor.of(new float[] {1, 2, 2, 4, 0, 1, 1, 0}, 2, 2, 2);
        assertThat(((Tensor) OpHarness.run("Det", 22, Map.of(), x)[0]).floats()).containsExactly(0f, -1f);
    }

    @Test
    void gemmRejectsMismatchedInnerDimensionsNamingShapes() {
        assertThatThrownBy(() -> OpHarness.run("Gemm", 13, Map.of("transB", 1L), Tensor.zeros(DType.FLOAT, 2, 3), Tensor.zeros(DType.FLOAT, 3, 4)))
                .isInstanceOf(GhostFlowException.class)
                .satisfies(e -> assertThat(((GhostFlowException) e).code()).isEqualTo(ErrorCode.SHAPE_MISMATCH))
                .hasMessageContaining("[3, 4]^T");
    }
}
