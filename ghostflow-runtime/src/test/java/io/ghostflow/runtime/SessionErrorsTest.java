package io.ghostflow.runtime;

import static io.ghostflow.runtime.ModelProtos.model;
import static io.ghostflow.runtime.ModelProtos.node;
import static io.ghostflow.runtime.ModelProtos.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.proto.Onnx.GraphProto;
import io.ghostflow.onnx.proto.Onnx.ModelProto;
import io.ghostflow.onnx.proto.Onnx.TensorProto;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad models and bad inputs must fail with a clear GhostFlowException, never anything else. */
class SessionErrorsTest {
    private static final SessionOptions OPTS = SessionOptions.defaults().withIntraOpThreads(1);

    private static GhostFlowException loadFails(byte[] bytes) {
        try {
            InferenceSession.load(bytes, OPTS).close();
        } catch (GhostFlowException e) {
            return e;
        }
        throw new AssertionError("expected the load to fail");
    }

    @Test
    void truncatedFileIsInvalidFormat(@TempDir Path dir) throws Exception {
        byte[] full = Files.readAllBytes(TestPaths.models().resolve("mlp_mnist/model.onnx"));
        Path f = dir.resolve("cut.onnx");
        Files.write(f, java.util.Arrays.copyOf(full, full.length / 2));
        assertThatThrownBy(() -> InferenceSession.load(f, OPTS))
                .isInstanceOfSatisfying(GhostFlowException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FORMAT))
                .hasMessageContaining("cut.onnx");
    }

    @Test
    void randomBytesAreInvalidFormat() {
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        assertThat(loadFails(junk).code()).isEqualTo(ErrorCode.INVALID_FORMAT);
    }

    @Test
    void aProtobufThatIsNotAModelIsRefused() {
        byte[] tensor = TensorProto.newBuilder().setDataType(1).addDims(2).addFloatData(1).addFloatData(2).build().toByteArray();
        GhostFlowException e = loadFails(tensor);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FORMAT);
    }

    @Test
    void missingModelFileIsIoError() {
        assertThatThrownBy(() -> InferenceSession.load(Path.of("does/not/exist.onnx"), OPTS))
                .isInstanceOfSatisfying(GhostFlowException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR));
    }

    @Test
    void unknownOpNamesOpDomainAndOpset() {
        ModelProto m = model(17, GraphProto.newBuilder().addNode(node("FrobnicateV9", "f", new String[] {"x"}, "y"))
                .addInput(tensor("x", DType.FLOAT, 1)).addOutput(tensor("y", DType.FLOAT, 1)).build());
        GhostFlowException e = loadFails(m.toByteArray());
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_IMPLEMENTED);
        assertThat(e.getMessage()).contains("FrobnicateV9").contains("ai.onnx").contains("opset 17");
    }

    @Test
    void opBeforeItsFirstOpsetIsNotImplemented() {
        // Gelu entered the default domain at opset 20; a model importing opset 17 cannot use it.
        ModelProto m = model(17, GraphProto.newBuilder().addNode(node("Gelu", "g", new String[] {"x"}, "y"))
                .addInput(tensor("x", DType.FLOAT, 1)).addOutput(tensor("y", DType.FLOAT, 1)).build());
        GhostFlowException e = loadFails(m.toByteArray());
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_IMPLEMENTED);
        assertThat(e.getMessage()).contains("Gelu").contains("opset 17").contains("first supported version is 20");
    }

    @Test
    void unsupportedOpsetVersionIsRefused() {
        GhostFlowException e = loadFails(model(0, ModelProtos.identity().getGraph()).toByteArray());
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FORMAT);
        assertThat(e.getMessage()).contains("opset");
    }

    @Test
    void cycleIsInvalidGraph() {
        ModelProto m = model(17, GraphProto.newBuilder()
                .addNode(node("Identity", "a", new String[] {"b_out"}, "a_out"))
                .addNode(node("Identity", "b", new String[] {"a_out"}, "b_out"))
                .addInput(tensor("x", DType.FLOAT, 1)).addOutput(tensor("a_out", DType.FLOAT, 1)).build());
        GhostFlowException e = loadFails(m.toByteArray());
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_GRAPH);
        assertThat(e.getMessage()).contains("cycle");
    }

    @Test
    void outputThatNoNodeProducesIsInvalidGraph() {
        ModelProto m = model(17, GraphProto.newBuilder().addNode(node("Identity", "a", new String[] {"x"}, "y"))
                .addInput(tensor("x", DType.FLOAT, 1)).addOutput(tensor("ghost", DType.FLOAT, 1)).build());
        GhostFlowException e = loadFails(m.toByteArray());
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_GRAPH);
        assertThat(e.getMessage()).contains("ghost");
    }

    @Test
    void inputThatNothingDefinesIsInvalidGraph() {
        ModelProto m = model(17, GraphProto.newBuilder().addNode(node("Identity", "a", new String[] {"nowhere"}, "y"))
                .addInput(tensor("x", DType.FLOAT, 1)).addOutput(tensor("y", DType.FLOAT, 1)).build());
        GhostFlowException e = loadFails(m.toByteArray());
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_GRAPH);
        assertThat(e.getMessage()).contains("nowhere").contains("'a'");
    }

    @Test
    void inputValidationNamesInputExpectedAndGiven() {
        try (InferenceSession s = InferenceSession.load(ModelProtos.identity().toByteArray(), OPTS)) {
            Tensor ok = Tensor.of(new float[6], 2, 3);
            try (Result r = s.run(Map.of("x", ok))) {
                assertThat(r.get("y").shape()).containsExactly(2, 3);
            }
            assertThatThrownBy(() -> s.run(Map.of("x", ok, "z", ok))).isInstanceOfSatisfying(GhostFlowException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT)).hasMessageContaining("unknown input 'z'");
            assertThatThrownBy(() -> s.run(Map.of())).hasMessageContaining("missing input 'x'");
            assertThatThrownBy(() -> s.run(Map.of("x", Tensor.ofLongs(new long[6], 2, 3))))
                    .hasMessageContaining("input 'x'").hasMessageContaining("FLOAT").hasMessageContaining("INT64");
            assertThatThrownBy(() -> s.run(Map.of("x", Tensor.of(new float[6], 6))))
                    .hasMessageContaining("input 'x'").hasMessageContaining("rank 2").hasMessageContaining("[6]");
            assertThatThrownBy(() -> s.run(Map.of("x", Tensor.of(new float[8], 2, 4))))
                    .hasMessageContaining("input 'x'").hasMessageContaining("dimension 1 must be 3").hasMessageContaining("[2, 4]");
            assertThatThrownBy(() -> s.run(Map.of("x", ok), java.util.List.of("nope"))).hasMessageContaining("unknown output 'nope'");
        }
    }

    @Test
    void inputAndOutputMetadataKeepSymbolicDims() {
        try (InferenceSession s = InferenceSession.load(ModelProtos.identity().toByteArray(), OPTS)) {
            assertThat(s.inputs()).hasSize(1);
            assertThat(s.inputs().get(0).name()).isEqualTo("x");
            assertThat(s.inputs().get(0).type().elementType()).isEqualTo(DType.FLOAT);
            assertThat(s.inputs().get(0).type().toString()).isEqualTo("tensor(float)[batch,3]");
            assertThat(s.outputs().get(0).name()).isEqualTo("y");
        }
    }
}
