package io.ghostflow.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.proto.Onnx.ModelProto;
import io.ghostflow.onnx.proto.Onnx.OperatorSetIdProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class ModelRoundTripTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"mlp_mnist", "lenet_bn", "bert_tiny_int8"})
    void writeThenReadPreservesTheModel(String name) throws IOException {
        ModelProto model = OnnxFiles.readModel(SharedFiles.model(name));
        Path out = tmp.resolve(name + ".onnx");
        OnnxFiles.writeModel(model, out);
        ModelProto back = OnnxFiles.readModel(out);
        assertThat(back.getGraph()).isEqualTo(model.getGraph());
        assertThat(back).isEqualTo(model);
        assertThat(Files.mismatch(out, SharedFiles.model(name))).as("same bytes as the exporter wrote").isEqualTo(-1L);
        assertThat(Files.list(tmp).filter(p -> p.toString().endsWith(".tmp")).count()).isZero();
    }

    @Test
    void parseModelEqualsReadModel() throws IOException {
        Path file = SharedFiles.model("mlp_mnist");
        assertThat(OnnxFiles.parseModel(Files.readAllBytes(file), "mlp")).isEqualTo(OnnxFiles.readModel(file));
    }

    @Test
    void modelLevelChecks() {
        ModelProto good = OnnxFiles.readModel(SharedFiles.model("mlp_mnist"));
        assertInvalid(good.toBuilder().clearGraph().build(), "no graph");
        assertInvalid(good.toBuilder().setIrVersion(2).build(), "ir_version");
        assertInvalid(good.toBuilder().clearOpsetImport().build(), "no opset");
        assertInvalid(good.toBuilder().addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("ai.onnx").setVersion(13)).build(),
                "twice");
        assertInvalid(good.toBuilder().addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.x").setVersion(0)).build(),
                "version 0");
        assertThatThrownBy(() -> OnnxFiles.parseModel(new byte[] {(byte) 0xff, 1, 2}, "junk"))
                .isInstanceOfSatisfying(GhostFlowException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FORMAT));
        assertThatThrownBy(() -> OnnxFiles.readModel(tmp.resolve("missing.onnx")))
                .isInstanceOfSatisfying(GhostFlowException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR));
    }

    private static void assertInvalid(ModelProto m, String fragment) {
        assertThatThrownBy(() -> OnnxFiles.parseModel(m.toByteArray(), "m"))
                .isInstanceOfSatisfying(GhostFlowException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FORMAT);
                    assertThat(e.getMessage()).contains(fragment);
                });
    }
}
