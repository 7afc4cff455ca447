package io.ghostflow.runtime.ops.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.SingleOp;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * InstanceNormalization and GroupNormalization (vector statistics summed in double per chunk)
 * against a double-precision reference, on planes whose mean is large against their spread (1000
 * plus unit noise), where float sums over long rows would lose the centred values. Tolerance
 * 2e-4 absolute on outputs of unit scale.
 */
class InstanceGroupNormTest {
    private static final int N = 2;
    private static final int C = 6;
    private static final int HW = 48 * 64;

    @Test
    void instanceNormalizationMatchesADoubleReference() {
        Random random = new Random(7);
        float[] x = data(random);
        float[] scale = {0.5f, 1f, 1.5f, 2f, -1f, 0.25f};
        float[] bias = {0f, 1f, -1f, 2f, 0.5f, -0.5f};
        OpKernel k = SingleOp.kernel("", "InstanceNormalization", 6, new boolean[] {true, true, true}, 1,
                Map.of("epsilon", Attribute.of("epsilon", 1e-5f)), 1);
        float[] y = run(k, x, scale, bias);
        check(x, y, 1, c -> scale[c], c -> bias[c]);
    }

    @Test
    void groupNormalizationMatchesADoubleReference() {
        Random random = new Random(8);
        float[] x = data(random);
        float[] scale = {0.5f, 1f, 1.5f, 2f, -1f, 0.25f};
        float[] bias = {0f, 1f, -1f, 2f, 0.5f, -0.5f};
        OpKernel k = SingleOp.kernel("", "GroupNormalization", 21, new boolean[] {true, true, true}, 1,
                Map.of("num_groups", Attribute.of("num_groups", 3L), "epsilon", Attribute.of("epsilon", 1e-5f)), 1);
        float[] y = run(k, x, scale, bias);
        check(x, y, 2, c -> scale[c], c -> bias[c]);
    }

    private static float[] data(Random random) {
        float[] x = new float[N * C * HW];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1000f + (float) random.nextGaussian();
        }
        return x;
    }

    private static float[] run(OpKernel k, float[] x, float[] scale, float[] bias) {
        Value[] in = {Tensor.of(x, N, C, 48, 64), Tensor.of(scale, C), Tensor.of(bias, C)};
        return ((Tensor) k.run(SingleOp.context(1), in)[0]).floats();
    }

    /** Groups of {@code channelsPerGroup} channels normalized together, then scaled per channel. */
    private static void check(float[] x, float[] y, int channelsPerGroup, java.util.function.IntFunction<Float> scale,
                              java.util.function.IntFunction<Float> bias) {
        int len = channelsPerGroup * HW;
        for (int g = 0; g < N * C / channelsPerGroup; g++) {
            int off = g * len;
            double mean = 0;
            for (int i = 0; i < len; i++) {
                mean += x[off + i];
            }
            mean /= len;
            double var = 0;
            for (int i = 0; i < len; i++) {
                var += (x[off + i] - mean) * (x[off + i] - mean);
            }
            double inv = 1 / Math.sqrt(var / len + 1e-5);
            for (int i = 0; i < len; i++) {
                int c = (off + i) / HW % C;
                double expected = (x[off + i] - mean) * inv * scale.apply(c) + bias.apply(c);
                assertThat((double) y[off + i]).as("group %d element %d", g, i).isCloseTo(expected, within(2e-4));
            }
        }
    }
}
