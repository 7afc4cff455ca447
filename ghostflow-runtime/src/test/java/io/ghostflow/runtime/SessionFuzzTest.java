package io.ghostflow.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.check.TestDataSet;
import io.ghostflow.tensor.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Mutates the bytes of real models (flips, truncations, insertions, overwrites with hostile
 * varints) and loads and runs each result through a whole session. Nothing but
 * GhostFlowException may escape, and no case may hang.
 */
class SessionFuzzTest {
    private static final int CASES_PER_MODEL = 1500;

    @Test
    void mutatedModelsFailCleanly() throws Exception {
        List<Path> models = List.of(TestPaths.models().resolve("mlp_mnist"), TestPaths.models().resolve("lenet_bn"),
                TestPaths.onnxTests().resolve("node/test_conv_with_strides_padding"),
                TestPaths.onnxTests().resolve("node/test_gemm_default_matrix_bias"));
        int[] outcomes = new int[3]; // ran, GhostFlowException, other
        SessionOptions opts = SessionOptions.defaults().withIntraOpThreads(1);
        for (Path dir : models) {
            byte[] original = Files.readAllBytes(dir.resolve("model.onnx"));
            Map<String, Value> feeds;
            try (InferenceSession clean = load(original, opts)) {
                feeds = clean == null ? Map.of() : TestDataSet.read(dir.resolve("test_data_set_0"), clean.model().graph().inputs(), List.of()).inputs();
            }
            SplittableRandom rnd = new SplittableRandom(dir.getFileName().toString().hashCode());
            assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
                for (int i = 0; i < CASES_PER_MODEL; i++) {
                    byte[] bytes = mutate(original, rnd);
                    try (InferenceSession s = InferenceSession.load(bytes, opts)) {
                        s.run(feeds).close();
                        outcomes[0]++;
                    } catch (GhostFlowException e) {
                        assertThat(e.getMessage()).isNotBlank();
                        outcomes[1]++;
                    } catch (Throwable t) {
                        outcomes[2]++;
                        throw new AssertionError("case " + i + " of " + dir.getFileName() + " escaped with " + t, t);
                    }
                }
            });
        }
        System.out.printf("session fuzz: %d ran, %d GhostFlowException, %d other%n", outcomes[0], outcomes[1], outcomes[2]);
        assertThat(outcomes[2]).isZero();
        assertThat(outcomes[0] + outcomes[1]).isEqualTo(models.size() * CASES_PER_MODEL);
    }

    private static InferenceSession load(byte[] bytes, SessionOptions opts) {
        try {
            return InferenceSession.load(bytes, opts);
        } catch (GhostFlowException e) {
            return null; // ops of this model not available: the mutations still exercise parsing
        }
    }

    static byte[] mutate(byte[] in, SplittableRandom rnd) {
        byte[] b = in.clone();
        switch (rnd.nextInt(5)) {
            case 0 -> {
                int flips = 1 + rnd.nextInt(8);
                for (int k = 0; k < flips; k++) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            case 2 -> {
                int at = rnd.nextInt(b.length);
                byte[] ins = new byte[1 + rnd.nextInt(16)];
                rnd.nextBytes(ins);
                byte[] out = new byte[b.length + ins.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(ins, 0, out, at, ins.length);
                System.arraycopy(b, at, out, at + ins.length, b.length - at);
                b = out;
            }
            case 3 -> {
                // a hostile varint (huge length or dim) at a random position
                int at = rnd.nextInt(Math.max(1, b.length - 10));
                for (int k = 0; k < 9; k++) {
                    b[at + k] = (byte) 0xff;
                }
                b[at + 9] = 0x01;
            }
            default -> {
                int at = rnd.nextInt(b.length);
                int len = Math.min(b.length - at, 1 + rnd.nextInt(64));
                for (int k = 0; k < len; k++) {
                    b[at + k] = (byte) rnd.nextInt(256);
                }
            }
        }
        return b;
    }
}
