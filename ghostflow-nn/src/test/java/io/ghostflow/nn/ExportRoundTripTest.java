package io.ghostflow.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.nn.export.GraphBuilder;
import io.ghostflow.nn.export.OnnxExporter;
import io.ghostflow.nn.export.ParameterLoader;
import io.ghostflow.nn.train.DemoModels;
import io.ghostflow.onnx.OnnxFiles;
import io.ghostflow.onnx.proto.Onnx.ModelProto;
import io.ghostflow.onnx.proto.Onnx.TensorProto;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.check.ModelCheck;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exported files: their ONNX fields, reloading into GhostFlow, test data sets, parameter loading. */
class ExportRoundTripTest {
    @TempDir
    Path tmp;

    static Module trainedCnn() {
        Module m = DemoModels.cnn().initialize(5).train();
        m.forward(OrtParityTest.randomInput(1, 8, 1, 8, 8)); // non-trivial BatchNorm statistics
        return m.eval();
    }

    @Test
    void protoHasOpsetIrSymbolicBatchNamesAndRawInitializers() {
        ModelProto p = OnnxExporter.toProto(trainedCnn(), 1, 8, 8);
        assertThat(p.getOpsetImport(0).getVersion()).isEqualTo(17);
        assertThat(p.getIrVersion()).isEqualTo(8);
        var in = p.getGraph().getInput(0);
        assertThat(in.getName()).isEqualTo("input");
        assertThat(in.getType().getTensorType().getShape().getDim(0).getDimParam()).isEqualTo("batch");
        assertThat(in.getType().getTensorType().getShape().getDim(2).getDimValue()).isEqualTo(8);
        assertThat(p.getGraph().getOutput(0).getName()).isEqualTo("output");
        assertThat(p.getGraph().getOutput(0).getType().getTensorType().getShape().getDim(1).getDimValue()).isEqualTo(10);
        assertThat(p.getGraph().getInitializerList()).allSatisfy(t -> {
            assertThat(t.hasRawData()).isTrue();
            assertThat(t.getFloatDataCount()).isZero();
        });
        assertThat(p.getGraph().getInitializerList()).extracting(TensorProto::getName)
                .contains("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "9.weight");
        assertThat(p.getGraph().getNodeList()).extracting(n -> n.getOpType())
                .containsExactly("Conv", "BatchNormalization", "Relu", "MaxPool", "Conv", "BatchNormalization", "Relu", "MaxPool",
                        "Flatten", "Gemm");
    }

    @Test
    void geluRaisesOpsetTo20AndIrTo9() {
        ModelProto p = OnnxExporter.toProto(new Sequential(new Linear(3, 3).initialize(1), new GELU()), 3);
        assertThat(p.getOpsetImport(0).getVersion()).isEqualTo(20);
        assertThat(p.getIrVersion()).isEqualTo(9);
    }

    @Test
    void exportWithTestDataPassesModelCheckWithAndWithoutOptimization() {
        Module m = trainedCnn();
        OnnxExporter.exportWithTestData(m, tmp.resolve("model.onnx"), OrtParityTest.randomInput(2, 4, 1, 8, 8));
        for (var level : SessionOptions.OptimizationLevel.values()) {
            var results = ModelCheck.check(tmp, SessionOptions.defaults().withOptimizationLevel(level), 1e-4, 1e-5);
            assertThat(results).hasSize(1);
            assertThat(results.get(0).passed()).as(results.get(0).line()).isTrue();
        }
    }

    @Test
    void embeddingModelsTakeInt64Input() {
        Module m = new Sequential(new Embedding(6, 3), new Flatten()).initialize(2);
        OnnxExporter.exportWithTestData(m, tmp.resolve("model.onnx"), Tensor.of(new float[] {1, 5, 0, 2}, 2, 2));
        ModelProto p = OnnxFiles.readModel(tmp.resolve("model.onnx"));
        assertThat(p.getGraph().getInput(0).getType().getTensorType().getElemType()).isEqualTo(DType.INT64.onnxCode());
        assertThat(ModelCheck.check(tmp, SessionOptions.defaults(), 1e-4, 1e-5).get(0).passed()).isTrue();
    }

    @Test
    void parametersLoadBackFromTheExportedFile() {
        Module trained = trainedCnn();
        Path file = OnnxExporter.export(trained, tmp.resolve("cnn.onnx"), 1, 8, 8);
        Module fresh = ParameterLoader.load(DemoModels.cnn(), file).eval();
        Tensor x = OrtParityTest.randomInput(3, 5, 1, 8, 8);
        assertThat(fresh.forward(x).floats()).containsExactly(trained.forward(x).floats());
    }

    @Test
    void reloadedSessionComputesWhatTheModuleComputes() {
        Module m = trainedCnn();
        Path file = OnnxExporter.export(m, tmp.resolve("cnn.onnx"), 1, 8, 8);
        Tensor x = OrtParityTest.randomInput(4, 3, 1, 8, 8);
        try (var s = InferenceSession.load(file, SessionOptions.defaults()); Result r = s.run(Map.of("input", x))) {
            float[] got = r.get("output").floats();
            float[] want = m.forward(x).floats();
            for (int i = 0; i < want.length; i++) {
                assertThat((double) got[i]).isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-4 * Math.abs(want[i]) + 1e-5));
            }
        }
    }

    @Test
    void handMadeGraphSavesLoadsAndRuns() {
        Path file = GraphBuilder.create("affine_relu")
                .input("x", DType.FLOAT, "batch", 2)
                .initializer("W", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2))
                .initializer("b", Tensor.of(new float[] {0, -100, 1}, 3))
                .node("Gemm", List.of("x", "W", "b"), "h", Map.of("transB", Attribute.of("transB", 1L)))
                .node("Relu", List.of("h"), "y", Map.of())
                .output("y", DType.FLOAT, "batch", 3)
                .save(tmp.resolve("affine.onnx"));
        Model loaded = GraphBuilder.load(file);
        assertThat(loaded.graph().nodes()).hasSize(2);
        assertThat(loaded.opset("")).isEqualTo(17);
        try (var s = InferenceSession.of(loaded, SessionOptions.defaults());
             Result r = s.run(Map.of("x", Tensor.of(new float[] {1, 1}, 1, 2)))) {
            assertThat(r.get("y").floats()).containsExactly(3f, 0f, 12f);
        }
    }
}
