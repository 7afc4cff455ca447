package io.ghostflow.runtime.ops.math;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.kernels.BinaryOp;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vectorized FLOAT Add/Sub/Mul/Div against the scalar broadcasting loop, bit for bit, on random broadcast shapes. */
class VectorBroadcastingTest {
    private static Tensor random(Random r, int[] shape) {
        float[] v = new float[Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(20) == 0 ? 0f : (float) r.nextGaussian();
        }
        return Tensor.of(v, shape);
    }

    /** An output shape of rank 0-4 with ragged dims, and an operand shape that broadcasts to it. */
    private static int[] operand(Random r, int[] out) {
        int rank = r.nextInt(out.length + 1);
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            int d = out[out.length - rank + i];
            s[i] = r.nextBoolean() ? d : 1;
        }
        return s;
    }

    @Test
    void everyBroadcastPatternEqualsTheScalarLoop() {
        Random r = new Random(29);
        BinaryOp[] ops = {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV};
        for (int iter = 0; iter < 600; iter++) {
            int rank = r.nextInt(5);
            int[] out = new int[rank];
            for (int i = 0; i < rank; i++) {
                out[i] = 1 + r.nextInt(i == rank - 1 ? 37 : 5);
            }
            int[] sa = iter % 4 == 0 ? out.clone() : operand(r, out);
            int[] sb = iter % 4 == 1 ? out.clone() : operand(r, out);
            Tensor a = random(r, sa);
            Tensor b = random(r, sb);
            BinaryOp op = ops[iter % ops.length];
            Tensor got = Broadcasting.floats(op, a, b, float[]::new);
            Tensor ref = Broadcasting.floats(a, b, op::apply);
            assertThat(got.shape()).containsExactly(ref.shape());
            assertThat(got.contentEquals(ref)).as("%s %s %s", op, java.util.Arrays.toString(sa), java.util.Arrays.toString(sb)).isTrue();
        }
    }

    @Test
    void trailingRowDetection() {
        assertThat(Broadcasting.isTrailing(new int[] {128}, new int[] {1, 32, 128})).isTrue();
        assertThat(Broadcasting.isTrailing(new int[] {1, 1, 128}, new int[] {1, 32, 128})).isTrue();
        assertThat(Broadcasting.isTrailing(new int[] {32, 1}, new int[] {32, 128})).isFalse();
    }
}
