package io.ghostflow.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.TestPaths;
import io.ghostflow.runtime.check.TestDataSet;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every shared model with a batch dimension: the rows of its batched data set, run one by one,
 * give exactly (bit for bit) what BatchInference gives when it stacks them into one run, both
 * through the synchronous and the asynchronous (dynamic batching) form.
 */
class SharedModelsBatchTest {
    @ParameterizedTest
    @ValueSource(strings = {"mlp_mnist", "lenet_bn", "squeezenet1_1", "mobilenet_v2_bn", "resnet18", "bert_tiny_hf", "bert_tiny_int8"})
    void batchedRunsEqualPerSampleRuns(String name) throws Exception {
        Path dir = TestPaths.models().resolve(name);
        try (InferenceSession session = InferenceSession.load(dir.resolve("model.onnx"), SessionOptions.defaults())) {
            List<ValueInfo> inputs = session.model().graph().inputs();
            TestDataSet data = TestDataSet.read(dir.resolve("test_data_set_1"), inputs, List.of());
            int rows = ((Tensor) data.inputs().values().iterator().next()).dim(0);
            assertThat(rows).isGreaterThan(1);
            List<Map<String, Tensor>> samples = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                Map<String, Tensor> sample = new LinkedHashMap<>();
                for (var e : data.inputs().entrySet()) {
                    sample.put(e.getKey(), row((Tensor) e.getValue(), r));
                }
                samples.add(sample);
            }
            List<Map<String, Tensor>> single = new ArrayList<>();
            for (Map<String, Tensor> s : samples) {
                try (Result r = session.run(s)) {
                    Map<String, Tensor> out = new LinkedHashMap<>();
                    r.names().forEach(n -> out.put(n, r.get(n)));
                    single.add(out);
                }
            }
            try (BatchInference batch = new BatchInference(session, BatchOptions.dynamic(rows, 50_000))) {
                assertIdentical(name, single, batch.runAll(samples));
                List<CompletableFuture<Map<String, Tensor>>> futures = new ArrayList<>();
                for (Map<String, Tensor> s : samples) {
                    futures.add(batch.submit(s));
                }
                List<Map<String, Tensor>> async = new ArrayList<>();
                for (var f : futures) {
                    async.add(f.get());
                }
                assertIdentical(name, single, async);
            }
        }
    }

    private static void assertIdentical(String model, List<Map<String, Tensor>> expected, List<Map<String, Tensor>> actual) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            for (var e : expected.get(i).entrySet()) {
                Tensor a = actual.get(i).get(e.getKey());
                assertThat(a.shape()).as("%s sample %d output %s shape", model, i, e.getKey()).containsExactly(e.getValue().shape());
                assertThat(a.contentEquals(e.getValue())).as("%s sample %d output %s bit-identical", model, i, e.getKey()).isTrue();
            }
        }
    }

    /** Row {@code r} of a batched tensor, keeping a leading dimension of 1. */
    private static Tensor row(Tensor t, int r) {
        int[] shape = t.shape();
        int per = t.size() / shape[0];
        shape[0] = 1;
        Tensor out = Tensor.zeros(t.dtype(), shape);
        long bytes = (long) per * t.dtype().storageBytes();
        java.lang.foreign.MemorySegment.copy(t.segment(), r * bytes, out.segment(), 0, bytes);
        return out;
    }

}
