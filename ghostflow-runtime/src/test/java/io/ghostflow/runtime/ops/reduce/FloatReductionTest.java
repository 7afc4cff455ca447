package io.ghostflow.runtime.ops.reduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ghostflow.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The vector float reductions against the generic double loop, on random shapes of rank 1-4 and
 * random axis sets (blocks that take the vector path, split sets that do not), with ragged
 * sizes. Tolerance: 2e-6 of the largest possible sum (float lanes against double), exact for
 * MAX and MIN.
 */
class FloatReductionTest {
    @RepeatedTest(300)
    void matchesTheGenericLoop(RepetitionInfo repetition) {
        Random random = new Random(20261127L + repetition.getCurrentRepetition());
        int rank = 1 + random.nextInt(4);
        int[] shape = new int[rank];
        for (int d = 0; d < rank; d++) {
            shape[d] = 1 + random.nextInt(d == rank - 1 ? 40 : 9);
        }
        boolean[] reduced = new boolean[rank];
        for (int d = 0; d < rank; d++) {
            reduced[d] = random.nextBoolean();
        }
        Tensor x = Tensor.of(values(random, io.ghostflow.tensor.Shapes.size(shape)), shape);
        for (Reduction.Kind kind : new Reduction.Kind[] {Reduction.Kind.SUM, Reduction.Kind.MEAN, Reduction.Kind.MAX,
                Reduction.Kind.MIN, Reduction.Kind.SUM_SQUARE, Reduction.Kind.L1, Reduction.Kind.L2}) {
            boolean keep = random.nextBoolean();
            Tensor fast = Reduction.reduce(kind, x, reduced, keep);
            Tensor slow = generic(kind, x, reduced, keep);
            assertThat(fast.shape()).isEqualTo(slow.shape());
            float[] f = fast.floats();
            float[] s = slow.floats();
            // values in [-10, 10): a sum of r of them is within r * 10, of squares within r * 100
            int r = io.ghostflow.tensor.Shapes.size(shape) / Math.max(1, s.length);
            boolean squares = kind == Reduction.Kind.SUM_SQUARE;
            for (int i = 0; i < s.length; i++) {
                float tol = kind == Reduction.Kind.MAX || kind == Reduction.Kind.MIN ? 0f
                        : (float) (2e-6 * r * (squares ? 100 : 10));
                assertThat(f[i]).as("%s %s reduced %s output %d", kind, java.util.Arrays.toString(shape),
                        java.util.Arrays.toString(reduced), i).isCloseTo(s[i], within(tol));
            }
        }
    }

    @Test
    void theVectorPathTakesBlocksOfAxesOnly() {
        float[] x = values(new Random(1), 2 * 3 * 4 * 5);
        int[] shape = {2, 3, 4, 5};
        assertThat(FloatReduction.tryReduce(Reduction.Kind.MEAN, x, shape, new boolean[] {false, false, true, true})).isNotNull();
        assertThat(FloatReduction.tryReduce(Reduction.Kind.SUM, x, shape, new boolean[] {false, true, false, false})).isNotNull();
        assertThat(FloatReduction.tryReduce(Reduction.Kind.SUM, x, shape, new boolean[] {true, false, true, false})).isNull();
        assertThat(FloatReduction.tryReduce(Reduction.Kind.PROD, x, shape, new boolean[] {false, false, false, true})).isNull();
    }

    @Test
    void aNaNInTheReducedValuesGivesNaNForMaxAndMin() {
        float[] v = values(new Random(2), 3 * 17);
        v[17 + 9] = Float.NaN;
        Tensor x = Tensor.of(v, 3, 17);
        for (boolean[] axes : new boolean[][] {{false, true}, {true, false}}) {
            for (Reduction.Kind kind : new Reduction.Kind[] {Reduction.Kind.MAX, Reduction.Kind.MIN}) {
                float[] fast = Reduction.reduce(kind, x, axes, false).floats();
                float[] slow = generic(kind, x, axes, false).floats();
                for (int i = 0; i < slow.length; i++) {
                    assertThat(Float.isNaN(fast[i])).as("%s axes %s output %d", kind, java.util.Arrays.toString(axes), i)
                            .isEqualTo(Float.isNaN(slow[i]));
                }
            }
        }
    }

    private static float[] values(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextFloat() * 20 - 10;
        }
        return v;
    }

    private static Tensor generic(Reduction.Kind kind, Tensor x, boolean[] reduced, boolean keep) {
        int rank = x.rank();
        int[] full = new int[rank];
        int kept = 0;
        for (int d = 0; d < rank; d++) {
            full[d] = reduced[d] ? 1 : x.dim(d);
            kept += reduced[d] ? 0 : 1;
        }
        int[] out = new int[kept];
        for (int d = 0, k = 0; d < rank; d++) {
            if (!reduced[d]) {
                out[k++] = x.dim(d);
            }
        }
        return Reduction.generic(kind, x, reduced, full, keep ? full : out);
    }
}
