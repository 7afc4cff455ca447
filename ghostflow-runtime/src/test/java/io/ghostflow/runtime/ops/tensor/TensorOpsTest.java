package io.ghostflow.runtime.ops.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TensorOpsTest {
    /** Naive per-element transpose as the reference for the blocked strided copy. */
    private static float[] naiveTranspose(float[] x, int[] s, int[] perm) {
        int[] os = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            os[i] = s[perm[i]];
        }
        int[] st = Shapes.strides(s);
        int[] ost = Shapes.strides(os);
        float[] out = new float[x.length];
        for (int o = 0; o < out.length; o++) {
            int rem = o;
            int src = 0;
            for (int d = 0; d < os.length; d++) {
                int c = rem / ost[d];
                rem %= ost[d];
                src += c * st[perm[d]];
            }
            out[o] = x[src];
        }
        return out;
    }

    @Test
    void transposeMatchesNaiveReferenceForManyPermutations() {
        Random rnd = new Random(7);
        int[][] shapes = {{3, 40, 37}, {2, 3, 4, 5}, {64, 33}, {1, 50, 1, 9}};
        for (int[] s : shapes) {
            float[] x = new float[Shapes.size(s)];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextFloat();
            }
            int[] perm = new int[s.length];
            for (int i = 0; i < perm.length; i++) {
                perm[i] = s.length - 1 - i;
            }
            for (int trial = 0; trial < 4; trial++) {
                long[] lp = new long[perm.length];
                for (int i = 0; i < perm.length; i++) {
                    lp[i] = perm[i];
                }
                Tensor t = CopyOps.transpose(Tensor.of(x, s), lp);
                assertThat(t.floats()).containsExactly(naiveTranspose(x, s, perm));
                // rotate the permutation for the next trial
                int first = perm[0];
                System.arraycopy(perm, 1, perm, 0, perm.length - 1);
                perm[perm.length - 1] = first;
            }
        }
    }

    @Test
    void transposeWorksOnInt64AndStrings() {
        Tensor l = CopyOps.transpose(Tensor.ofLongs(new long[] {1, 2, 3, 4, 5, 6}, 2, 3), null);
        assertThat(l.shape()).containsExactly(3, 2);
        assertThat(l.longs()).containsExactly(1, 4, 2, 5, 3, 6);
        Tensor s = CopyOps.transpose(Tensor.ofStrings(new String[] {"a", "b", "c", "d"}, 2, 2), null);
        assertThat(s.strings()).containsExactly("a", "c", "b", "d");
    }

    @Test
    void sliceWithNegativeStepAndClampedBounds() {
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 10);
        Tensor r = CopyOps.slice(x, new long[] {100}, new long[] {-100}, null, new long[] {-3});
        assertThat(r.floats()).containsExactly(9, 6, 3, 0);
        Tensor e = CopyOps.slice(x, new long[] {5}, new long[] {2}, null, new long[] {1});
        assertThat(e.shape()).containsExactly(0);
    }

    @Test
    void reshapeInfersAndRejects() {
        assertThat(ShapeOps.reshapeDims(new int[] {2, 3, 4}, new long[] {0, -1}, false)).containsExactly(2, 12);
        assertThat(ShapeOps.reshapeDims(new int[] {0, 3}, new long[] {3, 0}, true)).containsExactly(3, 0);
        assertThatThrownBy(() -> ShapeOps.reshapeDims(new int[] {2, 3}, new long[] {4, -1}, false))
                .isInstanceOf(GhostFlowException.class)
                .satisfies(e -> assertThat(((GhostFlowException) e).code()).isEqualTo(ErrorCode.SHAPE_MISMATCH));
    }

    @Test
    void padReflectEdgeWrapAndCrop() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor c = LayoutOps.constantOf(DType.FLOAT, 0);
        assertThat(LayoutOps.pad(x, new long[] {2, 2}, "reflect", c).floats()).containsExactly(3, 2, 1, 2, 3, 2, 1);
        assertThat(LayoutOps.pad(x, new long[] {2, 1}, "edge", c).floats()).containsExactly(1, 1, 1, 2, 3, 3);
        assertThat(LayoutOps.pad(x, new long[] {1, 2}, "wrap", c).floats()).containsExactly(3, 1, 2, 3, 1, 2);
        assertThat(LayoutOps.pad(x, new long[] {-1, 1}, "constant", LayoutOps.constantOf(DType.FLOAT, 9)).floats()).containsExactly(2, 3, 9);
    }

    @Test
    void scatterAddWrapsLikeTheIntegerType() {
        Tensor data = Tensor.ofArray(DType.INT8, new byte[] {120, 0}, 2);
        Tensor idx = Tensor.ofLongs(new long[] {0}, 1);
        Tensor upd = Tensor.ofArray(DType.INT8, new byte[] {10}, 1);
        Tensor out = GatherOps.scatterElements(data, idx, upd, 0, GatherOps.Reduction.ADD);
        assertThat(out.getLong(0)).isEqualTo((byte) 130);
        assertThat(data.getLong(0)).isEqualTo(120); // input untouched
    }

    @Test
    void gatherRejectsOutOfRangeIndex() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
        assertThat(GatherOps.gather(x, Tensor.ofLongs(new long[] {-1, 0}, 2), 0).floats()).containsExactly(3, 1);
        assertThatThrownBy(() -> GatherOps.gather(x, Tensor.ofLongs(new long[] {3}, 1), 0))
                .isInstanceOf(GhostFlowException.class).hasMessageContaining("index 3 out of range");
    }

    @Test
    void topKBreaksTiesByLowerIndex() {
        Tensor x = Tensor.of(new float[] {1, 3, 3, 2}, 4);
        var out = SortOps.topK(x, -1, 2, true, true);
        assertThat(((Tensor) out[1]).longs()).containsExactly(1, 2);
        var small = SortOps.topK(x, -1, 2, false, true);
        assertThat(((Tensor) small[1]).longs()).containsExactly(0, 3);
    }
}
