package io.ghostflow.runtime.ops.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Transpose and Gather writing into pooled (dirty, reused) float buffers give exactly what the
 * freshly allocated path gives: every output element is written.
 */
class PooledOutputsTest {
    private final Random rnd = new Random(3);

    @Test
    void transposeIntoDirtyBufferEqualsFreshOutput() {
        int[][] shapes = {{1, 9, 2, 8}, {2, 3, 5, 7}, {1, 32, 2, 64}, {3, 1, 4}, {17, 9}};
        for (int[] s : shapes) {
            Tensor x = random(s);
            for (long[] perm : perms(s.length)) {
                Tensor want = CopyOps.transpose(x, perm);
                Tensor got = CopyOps.transpose(x, perm, PooledOutputsTest::dirty);
                assertThat(got.shape()).isEqualTo(want.shape());
                assertThat(got.floats()).as(Arrays.toString(s) + " perm " + Arrays.toString(perm)).containsExactly(want.floats());
            }
        }
    }

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

    private static java.util.List<long[]> perms(int rank) {
        java.util.List<long[]> out = new java.util.ArrayList<>();
        permute(new long[rank], new boolean[rank], 0, out);
        return out;
    }

    private static void permute(long[] p, boolean[] used, int i, java.util.List<long[]> out) {
        if (i == p.length) {
            out.add(p.clone());
            return;
        }
        for (int v = 0; v < p.length; v++) {
            if (!used[v]) {
                used[v] = true;
                p[i] = v;
                permute(p, used, i + 1, out);
                used[v] = false;
            }
        }
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
