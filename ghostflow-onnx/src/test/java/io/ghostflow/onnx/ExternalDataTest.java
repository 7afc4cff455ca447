package io.ghostflow.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.proto.Onnx.ModelProto;
import io.ghostflow.onnx.proto.Onnx.StringStringEntryProto;
import io.ghostflow.onnx.proto.Onnx.TensorProto;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalDataTest {
    @TempDir
    Path tmp;
    Path modelDir;

    @BeforeEach
    void writeDataFile() throws IOException {
        modelDir = Files.createDirectories(tmp.resolve("model"));
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 16; i++) {
            b.putFloat(i);
        }
        Files.write(modelDir.resolve("weights.bin"), b.array());
        Files.write(tmp.resolve("secret.bin"), b.array());
    }

    private static TensorProto external(String location, String offset, String length, long... dims) {
        TensorProto.Builder b = TensorProto.newBuilder().setName("w").setDataType(DType.FLOAT.onnxCode())
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location));
        if (offset != null) {
            b.addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(offset));
        }
        if (length != null) {
            b.addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(length));
        }
        for (long d : dims) {
            b.addDims(d);
        }
        return b.build();
    }

    private static void refused(Runnable r, ErrorCode code, String... fragments) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(GhostFlowException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).contains("'w'").contains(fragments);
        });
    }

    @Test
    void slicesTheMappedFileWithoutCopying() {
        Tensor t = TensorProtos.toTensor(external("weights.bin", "16", "24", 2, 3), modelDir);
        assertThat(t.asFloats()).containsExactly(4, 5, 6, 7, 8, 9);
        assertThat(t.isHeap()).isFalse();
        assertThat(t.segment().isMapped()).isTrue();
        // no length: to the end of the file
        assertThat(TensorProtos.toTensor(external("weights.bin", "56", null, 2), modelDir).asFloats()).containsExactly(14, 15);
    }

    @Test
    void refusesLocationsOutsideTheModelDirectory() throws IOException {
        refused(() -> TensorProtos.toTensor(external("../secret.bin", null, null, 16), modelDir), ErrorCode.INVALID_FORMAT, "leaves");
        refused(() -> TensorProtos.toTensor(external("sub/../../secret.bin", null, null, 16), modelDir), ErrorCode.INVALID_FORMAT, "leaves");
        refused(() -> TensorProtos.toTensor(external(tmp.resolve("secret.bin").toAbsolutePath().toString(), null, null, 16),
                modelDir), ErrorCode.INVALID_FORMAT, "absolute");
        Files.createSymbolicLink(modelDir.resolve("link.bin"), tmp.resolve("secret.bin").toAbsolutePath());
        refused(() -> TensorProtos.toTensor(external("link.bin", null, null, 16), modelDir), ErrorCode.INVALID_FORMAT, "outside");
        // a symlink that stays inside is fine
        Files.createSymbolicLink(modelDir.resolve("inside.bin"), modelDir.resolve("weights.bin").toAbsolutePath());
        assertThat(TensorProtos.toTensor(external("inside.bin", null, null, 16), modelDir).size()).isEqualTo(16);
    }

    @Test
    void missingFileIsAnIoErrorNamingTensorAndFile() {
        refused(() -> TensorProtos.toTensor(external("nope.bin", null, null, 16), modelDir), ErrorCode.IO_ERROR, "nope.bin");
    }

    @Test
    void rangePastTheEndOfTheFile() {
        refused(() -> TensorProtos.toTensor(external("weights.bin", "60", "8", 2), modelDir), ErrorCode.INVALID_FORMAT, "past the end");
        refused(() -> TensorProtos.toTensor(external("weights.bin", "65", null, 0), modelDir), ErrorCode.INVALID_FORMAT, "past the end");
        refused(() -> TensorProtos.toTensor(external("weights.bin", "8", String.valueOf(Long.MAX_VALUE), 2), modelDir),
                ErrorCode.INVALID_FORMAT, "past the end");
    }

    @Test
    void lengthMustMatchDims() {
        refused(() -> TensorProtos.toTensor(external("weights.bin", "0", "12", 4), modelDir), ErrorCode.INVALID_FORMAT, "need 16");
        refused(() -> TensorProtos.toTensor(external("weights.bin", "0", null, 4), modelDir), ErrorCode.INVALID_FORMAT, "need 16");
    }

    @Test
    void malformedKeys() {
        refused(() -> TensorProtos.toTensor(external("weights.bin", "-4", null, 1), modelDir), ErrorCode.INVALID_FORMAT, "negative");
        refused(() -> TensorProtos.toTensor(external("weights.bin", "x", null, 1), modelDir), ErrorCode.INVALID_FORMAT, "not a number");
        refused(() -> TensorProtos.toTensor(external("", null, null, 1), modelDir), ErrorCode.INVALID_FORMAT, "location");
    }

    @Test
    void nullBaseDirRefusesExternalData() {
        refused(() -> TensorProtos.toTensor(external("weights.bin", null, null, 16), null), ErrorCode.INVALID_ARGUMENT, "no model directory");
    }

    @Test
    void writerMovesBigInitializersOutAndReadsBack() throws IOException {
        Path source = SharedFiles.model("lenet_bn");
        ModelProto model = OnnxFiles.readModel(source);
        Path out = modelDir.resolve("lenet.onnx");
        OnnxFiles.writeModel(model, out, ExternalDataPolicy.of("lenet.onnx.data").withThreshold(1024));
        assertThat(Files.size(out)).isLessThan(Files.size(source) / 4);
        ModelProto back = OnnxFiles.readModel(out);
        assertThat(back.getGraph().getNodeList()).isEqualTo(model.getGraph().getNodeList());
        int moved = 0;
        for (int i = 0; i < model.getGraph().getInitializerCount(); i++) {
            TensorProto p = back.getGraph().getInitializer(i);
            Tensor original = TensorProtos.toTensor(model.getGraph().getInitializer(i), source.getParent());
            Tensor reread = TensorProtos.toTensor(p, modelDir);
            assertThat(reread.contentEquals(original)).as(p.getName()).isTrue();
            if (ExternalData.isExternal(p)) {
                moved++;
                assertThat(original.byteSize()).isGreaterThanOrEqualTo(1024);
                assertThat(Long.parseLong(p.getExternalData(1).getValue()) % 4096).isZero();
                assertThat(reread.isHeap()).isFalse();
            } else {
                assertThat(original.byteSize()).isLessThan(1024);
            }
        }
        assertThat(moved).isPositive();
        // writing it again elsewhere re-homes existing external data, inlining all of it with a huge threshold
        Path again = Files.createDirectories(tmp.resolve("again")).resolve("m.onnx");
        OnnxFiles.writeModel(back, again, ExternalDataPolicy.of("m.data").withThreshold(Long.MAX_VALUE).withSourceDir(modelDir));
        ModelProto inlined = OnnxFiles.readModel(again);
        for (int i = 0; i < inlined.getGraph().getInitializerCount(); i++) {
            TensorProto p = inlined.getGraph().getInitializer(i);
            assertThat(ExternalData.isExternal(p)).isFalse();
            assertThat(TensorProtos.toTensor(p, null).contentEquals(
                    TensorProtos.toTensor(model.getGraph().getInitializer(i), null))).isTrue();
        }
    }

    @Test
    void writerRefusesDataLocationsOutsideTheDirectory() {
        ModelProto model = OnnxFiles.readModel(SharedFiles.model("mlp_mnist"));
        assertThatThrownBy(() -> OnnxFiles.writeModel(model, modelDir.resolve("m.onnx"), ExternalDataPolicy.of("../x.data")))
                .isInstanceOfSatisfying(GhostFlowException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
}
