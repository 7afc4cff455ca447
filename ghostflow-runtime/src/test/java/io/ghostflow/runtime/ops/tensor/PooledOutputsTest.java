package io.ghostflow.runtime.ops.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Gather writing into pooled (dirty, reused) float buffers give exactly what the
 * freshly allocated path gives: every output element is written.
 */
class PooledOutputsTest {
    private final Random rnd = new Random(3);

    @Test
    void gatherIntoDirtyBufferEqualsFreshOutput() {
        Tensor table = random(30, 13);
        Tensor ids = Tensor.ofLongs(new long[] {3, 0, 29, -1, 7, 7}, 2, 3);
        for (int axis : new int[] {0, 1}) {
            Tensor idx = axis == 0 ? ids : Tensor.ofLongs(new long[] {12, 0, -2, 5}, 4);
            Tensor want = GatherOps.gather(table, idx, axis);
            Tensor got = GatherOps.gather(table, idx, axis, PooledOutputsTest::dirty);
            assertThat(got.shape()).isEqualTo(want.shape());
            assertThat(got.floats()).as("axis " + axis).containsExactly(want.floats());
        }
        // a long tensor ignores the float pool
        Tensor shape = Tensor.ofLongs(new long[] {1, 32, 128}, 3);
        assertThat(GatherOps.gather(shape, Tensor.ofLongs(new long[] {1}, 1), 0, PooledOutputsTest::dirty).asLongs()).containsExactly(32L);
    }

    private static float[] dirty(int n) {
        float[] a = new float[n];
        Arrays.fill(a, -123.5f);
        return a;
    }

    private Tensor random(int... shape) {
        float[] v = new float[io.ghostflow.tensor.Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextFloat();
        }
        return Tensor.of(v, shape);
    }
}
