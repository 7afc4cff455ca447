package io.ghostflow.runtime.ops.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.runtime.ops.linalg.OpHarness;
import io.ghostflow.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MaxPool's Indices in both storage orders and the ceil_mode window rule. */
class PoolTest {
    private static final Tensor X = Tensor.of(new float[] {
        1, 2, 3,
        4, 9, 6,
        7, 8, 5}, 1, 1, 3, 3);

    @Test
    void indicesAreRowOrColumnMajorWithinThePlane() {
        Map<String, Object> rowMajor = Map.of("kernel_shape", new long[] {2, 2}, "strides", new long[] {1, 1});
        var out = OpHarness.run("MaxPool", 12, rowMajor, X);
        assertThat(((Tensor) out[0]).floats()).containsExactly(9, 9, 9, 9);
        assertThat(((Tensor) out[1]).longs()).containsExactly(4, 4, 4, 4);
        Map<String, Object> colMajor = Map.of("kernel_shape", new long[] {2, 2}, "storage_order", 1L);
        Tensor last = (Tensor) OpHarness.run("MaxPool", 12, Map.of("kernel_shape", new long[] {1, 1}, "storage_order", 1L), X)[1];
        // element (row 1, col 2) = 6 sits at column-major offset 2 * 3 + 1 = 7
        assertThat(last.longs()[5]).isEqualTo(7);
        assertThat(((Tensor) OpHarness.run("MaxPool", 12, colMajor, X)[1]).longs()[0]).isEqualTo(4);
    }

    @Test
    void ceilModeDropsAWindowStartingInThePadding() {
        Map<String, Object> attrs = Map.of("kernel_shape", new long[] {2, 2}, "strides", new long[] {2, 2}, "ceil_mode", 1L);
        Tensor y = (Tensor) OpHarness.run("MaxPool", 12, attrs, X)[0];
        assertThat(y.shape()).containsExactly(1, 1, 2, 2);
        assertThat(y.floats()).containsExactly(9, 6, 8, 5);
        Tensor avg = (Tensor) OpHarness.run("AveragePool", 19, attrs, X)[0];
        assertThat(avg.floats()).containsExactly(4f, 4.5f, 7.5f, 5f);
    }

    @Test
    void maxRoiPoolTakesTheMaximumOfEachBin() {
        float[] v = new float[16];
        for (int i = 0; i < 16; i++) {
            v[i] = i;
        }
        Tensor x = Tensor.of(v, 1, 1, 4, 4);
        Tensor rois = Tensor.of(new float[] {0, 0, 0, 3, 3, 0, 2, 1, 3, 2}, 2, 5);
        Tensor y = (Tensor) OpHarness.run("MaxRoiPool", 22, Map.of("pooled_shape", new long[] {2, 2}), x, rois)[0];
        assertThat(y.shape()).containsExactly(2, 1, 2, 2);
        // second roi: columns 2..3, rows 1..2 -> one 1x1 cell per bin
        assertThat(y.floats()).containsExactly(5, 7, 13, 15, 6, 7, 10, 11);
    }
}
