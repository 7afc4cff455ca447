package io.ghostflow.runtime.ops.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.SingleOp;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * LayerNormalization (opset 17) with Y alone (vector rows, float statistics) against the same node
 * with Mean and InvStdDev requested (the double-statistics loop), on random shapes, axes, with
 * and without bias, one and two threads. Tolerance 2e-5 absolute on outputs of unit scale.
 */
class LayerNormalizationTest {
    @RepeatedTest(60)
    void yAloneMatchesTheFullNode(RepetitionInfo repetition) {
        Random random = new Random(20261127L + repetition.getCurrentRepetition());
        int rank = 2 + random.nextInt(2);
        int[] shape = new int[rank];
        for (int d = 0; d < rank; d++) {
            shape[d] = 1 + random.nextInt(d == rank - 1 ? 70 : 40);
        }
        int axis = 1 + random.nextInt(rank - 1);
        int[] tail = java.util.Arrays.copyOfRange(shape, axis, rank);
        Tensor x = Tensor.of(PoolGeometries.values(random, Shapes.size(shape)), shape);
        Tensor scale = Tensor.of(PoolGeometries.values(random, Shapes.size(tail)), tail);
        boolean withBias = random.nextBoolean();
        Tensor bias = withBias ? Tensor.of(PoolGeometries.values(random, Shapes.size(tail)), tail) : null;
        Map<String, Attribute> attrs = Map.of("axis", Attribute.of("axis", (long) axis));
        boolean[] inputs = {true, true, withBias};
        int threads = 1 + random.nextInt(2);
        OpKernel alone = SingleOp.kernel("", "LayerNormalization", 17, inputs, 1, attrs, threads);
        OpKernel full = SingleOp.kernel("", "LayerNormalization", 17, inputs, 3, attrs, threads);
        Value[] in = withBias ? new Value[] {x, scale, bias} : new Value[] {x, scale};
        float[] fast = ((Tensor) alone.run(SingleOp.context(threads), in)[0]).floats();
        float[] slow = ((Tensor) full.run(SingleOp.context(threads), in)[0]).floats();
        assertThat(fast.length).isEqualTo(slow.length);
        for (int i = 0; i < slow.length; i++) {
            // |scale| < 10 and bias in [-10, 10): outputs of a few tens at most
            assertThat(fast[i]).as("%s axis %d output %d", java.util.Arrays.toString(shape), axis, i)
                    .isCloseTo(slow[i], within(2e-5f * 10));
        }
    }
}
