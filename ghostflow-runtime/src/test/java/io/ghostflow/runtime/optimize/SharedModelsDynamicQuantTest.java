package io.ghostflow.runtime.optimize;

import io.ghostflow.onnx.OnnxFiles;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.TestPaths;
import io.ghostflow.runtime.check.ModelCheck;
import io.ghostflow.runtime.check.TestDataSet;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.ModelLoader;
import io.ghostflow.runtime.graph.ModelWriter;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.optimize.passes.DynamicQuantMatMulFusion;
import io.ghostflow.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** DynamicQuantMatMul fusion on the dynamically quantized BERT of ../shared/models. */
class SharedModelsDynamicQuantTest {
    private static final SessionOptions ONE_THREAD = SessionOptions.defaults().withIntraOpThreads(1);

    private static Path dir() {
        Path d = TestPaths.models().resolve("bert_tiny_int8");
        assumeTrue(Files.isRegularFile(d.resolve("model.onnx")), "model not present: " + d);
        return d;
    }

    private static long count(Model m, String op) {
        return m.graph().nodes().stream().filter(n -> n.opType().equals(op)).count();
    }

    private static Model optimize(Model m, boolean withFusion) {
        List<GraphPass> passes = GraphOptimizer.passes().stream()
                .filter(p -> withFusion || !(p instanceof DynamicQuantMatMulFusion)).toList();
        return GraphOptimizer.run(m, ONE_THREAD, OpRegistry.defaults(), passes).model();
    }

    @Test
    void everyQuantizedDenseLayerIsFusedAndTheOutputsKeepTheirBits() {
        Path d = dir();
        Model raw = ModelLoader.load(d.resolve("model.onnx"));
        Model fused = optimize(raw, true);
        Model unfused = optimize(raw, false);
        assertThat(count(fused, "DynamicQuantizeLinear") + count(fused, "MatMulInteger")).isZero();
        // 2 layers x (Q, K and V in one node, attention output, intermediate, output) + the pooler
        assertThat(count(fused, "DynamicQuantMatMul")).isEqualTo(9);
        var none = ONE_THREAD.withOptimizationLevel(OptimizationLevel.NONE);
        try (InferenceSession a = InferenceSession.of(fused, none); InferenceSession b = InferenceSession.of(unfused, none)) {
            for (Path set : TestDataSet.find(d)) {
                TestDataSet data = TestDataSet.read(set, raw.graph().inputs(), raw.graph().outputs());
                try (Result ra = a.run(data.inputs()); Result rb = b.run(data.inputs())) {
                    for (String name : data.outputs().keySet()) {
                        Tensor x = ra.get(name);
                        Tensor y = rb.get(name);
                        assertThat(x.shape()).containsExactly(y.shape());
                        for (int i = 0; i < x.size(); i++) {
                            assertThat(Float.floatToRawIntBits(x.floats()[i])).as(set.getFileName() + " " + name + "[" + i + "]")
                                    .isEqualTo(Float.floatToRawIntBits(y.floats()[i]));
                        }
                    }
                }
            }
        }
    }

    @Test
    void matchesTheReferenceOutputsAtLevelsNoneAndAll() {
        for (OptimizationLevel level : List.of(OptimizationLevel.NONE, OptimizationLevel.ALL)) {
            for (var r : ModelCheck.check(dir(), ONE_THREAD.withOptimizationLevel(level), 1e-3, 1e-4)) {
                assertThat(r.passed()).as(level + " " + r.line()).isTrue();
            }
        }
    }

    @Test
    void optimizedModelSavesLoadsAgainAndPassesCheck(@TempDir Path tmp) throws Exception {
        Path d = dir();
        Model m = optimize(ModelLoader.load(d.resolve("model.onnx")), true);
        byte[] bytes = ModelWriter.toProto(m).toByteArray();
        Model again = ModelLoader.fromProto(OnnxFiles.parseModel(bytes, "bert_tiny_int8"), null);
        assertThat(count(again, "DynamicQuantMatMul")).isEqualTo(9);
        Files.write(tmp.resolve("model.onnx"), bytes);
        for (Path set : TestDataSet.find(d)) {
            Files.createSymbolicLink(tmp.resolve(set.getFileName()), set.toAbsolutePath());
        }
        for (var r : ModelCheck.check(tmp, ONE_THREAD.withOptimizationLevel(OptimizationLevel.NONE), 1e-3, 1e-4)) {
            assertThat(r.passed()).as(r.line()).isTrue();
        }
    }
}
