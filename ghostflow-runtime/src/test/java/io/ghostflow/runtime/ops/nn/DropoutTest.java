package io.ghostflow.runtime.ops.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ghostflow.runtime.ops.linalg.OpHarness;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dropout's random stream is numpy's (seeded MT19937), and inference is the identity with an all-true mask. */
class DropoutTest {
    @Test
    void generatorMatchesNumpySeedZero() {
        Mt19937 g = new Mt19937(0);
        // np.random.seed(0); np.random.rand(3)
        assertThat(g.nextDouble()).isCloseTo(0.5488135039273248, within(1e-15));
        assertThat(g.nextDouble()).isCloseTo(0.7151893663724195, within(1e-15));
        assertThat(g.nextDouble()).isCloseTo(0.6027633760716439, within(1e-15));
    }

    @Test
    void inferenceIsIdentityWithTrueMask() {
        Tensor x = Tensor.of(new float[] {1, -2, 3}, 3);
        var out = OpHarness.run("Dropout", 13, Map.of(), x, Tensor.scalar(0.9f).reshape());
        assertThat(out[0]).isSameAs(x);
        assertThat(((Tensor) out[1]).dtype()).isEqualTo(DType.BOOL);
        assertThat(((Tensor) out[1]).bools()).containsExactly(true, true, true);
    }

    @Test
    void trainingScalesKeptElementsAndReportsTheMask() {
        Tensor x = Tensor.of(new float[] {1, 1, 1}, 3);
        Tensor train = Tensor.ofBools(new boolean[] {true});
        var out = OpHarness.run("Dropout", 13, Map.of("seed", 0L), x, Tensor.scalar(0.6f).reshape(), train);
        // draws 0.549, 0.715, 0.603 against ratio 0.6: drop, keep, keep
        assertThat(((Tensor) out[1]).bools()).containsExactly(false, true, true);
        float[] y = ((Tensor) out[0]).floats();
        assertThat(y[0]).isZero();
        assertThat(y[1]).isCloseTo(2.5f, within(1e-5f));
        assertThat(y[2]).isCloseTo(2.5f, within(1e-5f));
    }
}
