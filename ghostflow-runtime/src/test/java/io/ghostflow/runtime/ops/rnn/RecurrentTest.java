package io.ghostflow.runtime.ops.rnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ghostflow.runtime.FusedModels;
import io.ghostflow.runtime.ops.linalg.OpHarness;
import io.ghostflow.tensor.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Properties of the recurrent ops that the node tests do not cover: layout=1 and sequence_lens. */
class RecurrentTest {
    @Test
    void batchMajorLayoutIsTheTransposeOfSequenceMajor() {
        Random r = new Random(5);
        int seq = 3;
        int batch = 2;
        int in = 4;
        int hid = 3;
        Tensor x = FusedModels.random(r, seq, batch, in);
        Tensor w = FusedModels.random(r, 2, 4 * hid, in);
        Tensor rr = FusedModels.random(r, 2, 4 * hid, hid);
        Map<String, Object> attrs = Map.of("hidden_size", (long) hid, "direction", "bidirectional");
        var a = OpHarness.run("LSTM", 14, attrs, x, w, rr);
        Tensor xb = Tensor.of(swap(x.floats(), seq, batch, in), batch, seq, in);
        var b = OpHarness.run("LSTM", 14, Map.of("hidden_size", (long) hid, "direction", "bidirectional", "layout", 1L), xb, w, rr);
        Tensor ya = (Tensor) a[0];
        Tensor yb = (Tensor) b[0];
        assertThat(yb.shape()).containsExactly(batch, seq, 2, hid);
        for (int t = 0; t < seq; t++) {
            for (int d = 0; d < 2; d++) {
                for (int n = 0; n < batch; n++) {
                    for (int j = 0; j < hid; j++) {
                        assertThat(yb.floats()[((n * seq + t) * 2 + d) * hid + j])
                                .isCloseTo(ya.floats()[((t * 2 + d) * batch + n) * hid + j], within(1e-6f));
                    }
                }
            }
        }
        assertThat(((Tensor) b[1]).shape()).containsExactly(batch, 2, hid);
    }

    @Test
    void shortSequencesStopEarlyAndPadWithZeros() {
        Random r = new Random(6);
        Tensor x = FusedModels.random(r, 3, 2, 2);
        Tensor w = FusedModels.random(r, 1, 9, 2);
        Tensor rr = FusedModels.random(r, 1, 9, 3);
        Tensor lens = Tensor.ofInts(new int[] {1, 3}, 2);
        var out = OpHarness.run("GRU", 14, Map.of("hidden_size", 3L), x, w, rr, null, lens);
        Tensor y = (Tensor) out[0];
        Tensor yh = (Tensor) out[1];
        for (int j = 0; j < 3; j++) {
            // batch 0 stops after step 0: later steps are zero and Y_h is its step-0 state.
            assertThat(y.floats()[((1 * 1 + 0) * 2 + 0) * 3 + j]).isZero();
            assertThat(yh.floats()[j]).isEqualTo(y.floats()[j]);
            assertThat(yh.floats()[3 + j]).isEqualTo(y.floats()[((2 * 1 + 0) * 2 + 1) * 3 + j]);
        }
    }

    private static float[] swap(float[] v, int a, int b, int c) {
        float[] out = new float[v.length];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(v, (i * b + j) * c, out, (j * a + i) * c, c);
            }
        }
        return out;
    }
}
