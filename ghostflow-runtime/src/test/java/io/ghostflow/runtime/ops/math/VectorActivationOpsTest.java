package io.ghostflow.runtime.ops.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.tensor.Tensor;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Sigmoid, Tanh, Exp, LeakyRelu, HardSigmoid and HardSwish on FLOAT tensors (the vector code) against the double functions
 * over [-90, 90] in steps of 1/64 plus NaN and infinities: relative 1e-6 (absolute 1e-7 near 0),
 * NaN in gives NaN out, and the saturated ends exact.
 */
class VectorActivationOpsTest {
    @Test
    void sigmoidTanhAndExpMatchTheDoubleFunctions() {
        int n = 90 * 64 * 2 + 1;
        float[] x = new float[n + 3];
        for (int i = 0; i < n; i++) {
            x[i] = -90f + i / 64f;
        }
        x[n] = Float.NaN;
        x[n + 1] = Float.POSITIVE_INFINITY;
        x[n + 2] = Float.NEGATIVE_INFINITY;
        check("Sigmoid", x, v -> 1 / (1 + Math.exp(-v)));
        check("Tanh", x, Math::tanh);
        check("Exp", x, Math::exp);
        check("HardSigmoid", x, v -> Math.max(0, Math.min(1, 0.2 * v + 0.5)));
        check("HardSwish", x, v -> v * Math.max(0, Math.min(1, v / 6 + 0.5)));
        float[] y = OpHarness.run1("LeakyRelu", 16, List.of(Attribute.of("alpha", 0.1f)), Tensor.of(x, x.length)).floats();
        for (int i = 0; i < x.length; i++) {
            // Float.valueOf: boxed equality treats NaN as equal to NaN
            assertThat(Float.valueOf(y[i])).as("LeakyRelu(%s)", x[i]).isEqualTo(Float.valueOf(x[i] >= 0 ? x[i] : 0.1f * x[i]));
        }
    }

    private static void check(String op, float[] x, DoubleUnaryOperator f) {
        float[] y = OpHarness.run1(op, op.startsWith("Hard") ? 22 : 13, List.of(), Tensor.of(x, x.length)).floats();
        for (int i = 0; i < x.length; i++) {
            double e = f.applyAsDouble(x[i]);
            if (Double.isNaN(e)) {
                assertThat(y[i]).as("%s(%s)", op, x[i]).isNaN();
            } else if (Double.isInfinite(e) || (float) e == Float.POSITIVE_INFINITY) {
                assertThat(y[i]).as("%s(%s)", op, x[i]).isEqualTo((float) e);
            } else {
                assertThat((double) y[i]).as("%s(%s)", op, x[i]).isCloseTo(e, within(Math.max(1e-7, Math.abs(e) * 1e-6)));
            }
        }
    }
}
