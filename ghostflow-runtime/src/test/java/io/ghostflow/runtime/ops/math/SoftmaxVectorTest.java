package io.ghostflow.runtime.ops.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Softmax over the last axis of FLOAT tensors (vector rows) against the scalar loop with Math.exp
 * that other axes and types keep: random rows of 1..300 values spread over [-30, 30], some
 * -infinity entries (probability 0). Tolerance 2e-6 absolute on probabilities.
 */
class SoftmaxVectorTest {
    @RepeatedTest(40)
    void lastAxisRowsMatchTheScalarLoop(RepetitionInfo repetition) {
        Random random = new Random(20261127L + repetition.getCurrentRepetition());
        int rows = 1 + random.nextInt(20);
        int cols = 1 + random.nextInt(300);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextInt(40) == 0 && i % cols != 0 ? Float.NEGATIVE_INFINITY : random.nextFloat() * 60 - 30;
        }
        float[] y = OpHarness.run1("Softmax", 13, List.of(Attribute.of("axis", -1L)), Tensor.of(x, rows, cols)).floats();
        float[] expected = new float[x.length];
        SoftmaxOps.run(SoftmaxOps.Kind.SOFTMAX, x, expected, rows, cols, 1);
        for (int i = 0; i < x.length; i++) {
            assertThat(y[i]).as("%d x %d, element %d", rows, cols, i).isCloseTo(expected[i], within(2e-6f));
        }
    }
}
