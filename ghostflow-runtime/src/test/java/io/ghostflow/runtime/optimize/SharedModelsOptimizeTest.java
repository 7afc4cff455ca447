package io.ghostflow.runtime.optimize;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.OnnxFiles;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.TestPaths;
import io.ghostflow.runtime.check.ModelCheck;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.ModelLoader;
import io.ghostflow.runtime.graph.ModelWriter;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.ops.fused.Activation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The optimizer's acceptance criteria on the real models in ../shared/models. */
class SharedModelsOptimizeTest {
    private static final Set<String> ACTIVATIONS = Set.of("Relu", "Clip", "LeakyRelu", "HardSwish", "HardSigmoid", "Sigmoid");

    private static Model optimized(String name) {
        Path file = TestPaths.models().resolve(name).resolve("model.onnx");
        assumeTrue(Files.isRegularFile(file), "model not present: " + file);
        return GraphOptimizer.optimizeWithReport(ModelLoader.load(file), SessionOptions.defaults(), OpRegistry.defaults()).model();
    }

    private static long count(Model m, String op) {
        return m.graph().nodes().stream().filter(n -> n.opType().equals(op)).count();
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "mobilenet_v2_bn", "lenet_bn", "bert_tiny_hf"})
    void leavesNoBatchNormIdentityOrDropoutAndFusesEveryConvActivation(String name) {
        Model m = optimized(name);
        assertThat(count(m, "BatchNormalization") + count(m, "Identity") + count(m, "Dropout")).isZero();
        var idx = new GraphIndex(m.graph());
        for (Node n : m.graph().nodes()) {
            if (n.opType().equals("Conv") && n.domain().isEmpty()) {
                assertThat(idx.consumers(n.output(0))).as("consumers of " + n.label())
                        .noneMatch(c -> c.domain().isEmpty() && ACTIVATIONS.contains(c.opType()));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "mobilenet_v2_bn"})
    void cnnConvolutionsAreFused(String name) {
        Model m = optimized(name);
        // what stays a plain Conv feeds neither an activation nor an Add: ResNet's 1x1 downsample, MobileNet's linear projection
        assertThat(count(m, "FusedConv")).isGreaterThan(2 * count(m, "Conv"));
        assertThat(m.graph().nodes().stream().filter(n -> n.opType().equals("FusedConv"))
                .filter(n -> Activation.from(n).kind() != Activation.Kind.NONE)).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert_tiny_hf"})
    void bertLayerNormGeluAndAttentionAreFused(String name) {
        Model m = optimized(name);
        assertThat(count(m, "Attention")).isEqualTo(2);
        assertThat(count(m, "Softmax") + count(m, "Erf") + count(m, "ReduceMean")).isZero();
        assertThat(count(m, "LayerNormalization")).isEqualTo(5);
        assertThat(m.graph().nodes().stream().filter(n -> n.opType().equals("FusedMatMul"))
                .filter(n -> Activation.from(n).kind() == Activation.Kind.GELU)).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "mobilenet_v2_bn", "lenet_bn", "bert_tiny_hf"})
    void optimizedModelSavesLoadsAgainAndPassesCheck(String name, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Model m = optimized(name);
        byte[] bytes;
        try {
            bytes = ModelWriter.toProto(m).toByteArray();
        } catch (GhostFlowException e) {
            assumeTrue(e.code() != ErrorCode.NOT_IMPLEMENTED, "model writing not available yet: " + e.getMessage());
            throw e;
        }
        Model again = ModelLoader.fromProto(OnnxFiles.parseModel(bytes, name), null);
        assertThat(again.graph().nodes()).hasSameSizeAs(m.graph().nodes());
        assertThat(again.opsets()).containsEntry("io.ghostflow", 1);
        // check: the optimized file beside copies of the test data sets, run at level NONE (already optimized)
        Path src = TestPaths.models().resolve(name);
        Files.write(dir.resolve("model.onnx"), bytes);
        try (var sets = Files.list(src)) {
            for (Path set : sets.filter(p -> p.getFileName().toString().startsWith("test_data_set")).toList()) {
                Files.createSymbolicLink(dir.resolve(set.getFileName()), set.toAbsolutePath());
            }
        }
        List<ModelCheck.SetResult> results = ModelCheck.check(dir,
                SessionOptions.defaults().withOptimizationLevel(SessionOptions.OptimizationLevel.NONE), 1e-3, 1e-4);
        for (var r : results) {
            assumeTrue(r.passed() || r.reason() == null || !r.reason().contains("not implemented"),
                    "an op family is still missing in this build: " + r.reason());
            assertThat(r.passed()).as(r.line()).isTrue();
        }
    }
}
