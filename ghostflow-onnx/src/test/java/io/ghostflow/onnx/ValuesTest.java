package io.ghostflow.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.proto.Onnx.OptionalProto;
import io.ghostflow.onnx.proto.Onnx.SequenceProto;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.OptionalValue;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.TensorSequence;
import io.ghostflow.tensor.Value;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ValuesTest {
    private static final int TENSOR = 1;
    private static final int SEQUENCE = 3;
    private static final int MAP = 4;
    private static final int OPTIONAL = 5;

    @Test
    void sequenceOfTensorsKeepsOrderAndDtype() {
        SequenceProto s = SequenceProto.newBuilder().setElemType(TENSOR)
                .addTensorValues(TensorProtos.fromTensor(Tensor.ofLongs(new long[] {1, 2}, 2), "a"))
                .addTensorValues(TensorProtos.fromTensor(Tensor.ofLongs(new long[] {3}, 1), "b")).build();
        TensorSequence seq = (TensorSequence) TensorProtos.toValue(s, null);
        assertThat(seq.elementType()).isEqualTo(DType.INT64);
        assertThat(seq.size()).isEqualTo(2);
        assertThat(seq.get(1).asLongs()).containsExactly(3);
    }

    @Test
    void emptySequenceIsFloat() {
        TensorSequence seq = (TensorSequence) TensorProtos.toValue(SequenceProto.newBuilder().setElemType(TENSOR).build(), null);
        assertThat(seq.size()).isZero();
        assertThat(seq.elementType()).isEqualTo(DType.FLOAT);
    }

    @Test
    void mixedDtypesAndUnrepresentableKindsAreRefused() {
        SequenceProto mixed = SequenceProto.newBuilder().setElemType(TENSOR)
                .addTensorValues(TensorProtos.fromTensor(Tensor.ofLongs(new long[] {1}, 1), "a"))
                .addTensorValues(TensorProtos.fromTensor(Tensor.of(new float[] {1}, 1), "b")).build();
        assertThatThrownBy(() -> TensorProtos.toValue(mixed, null)).isInstanceOfSatisfying(GhostFlowException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FORMAT));
        SequenceProto nested = SequenceProto.newBuilder().setElemType(SEQUENCE).build();
        assertThatThrownBy(() -> TensorProtos.toValue(nested, null)).isInstanceOfSatisfying(GhostFlowException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_IMPLEMENTED));
        OptionalProto map = OptionalProto.newBuilder().setElemType(MAP).build();
        assertThatThrownBy(() -> TensorProtos.toValue(map, null)).isInstanceOfSatisfying(GhostFlowException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_IMPLEMENTED));
    }

    @Test
    void optionals() {
        assertThat(TensorProtos.toValue(OptionalProto.getDefaultInstance(), null)).isSameAs(OptionalValue.EMPTY);
        Value v = TensorProtos.toValue(OptionalProto.newBuilder().setElemType(TENSOR)
                .setTensorValue(TensorProtos.fromTensor(Tensor.of(new float[] {2.5f}, 1), "t")).build(), null);
        assertThat(((Tensor) ((OptionalValue) v).value()).asFloats()).containsExactly(2.5f);
        Value seq = TensorProtos.toValue(OptionalProto.newBuilder().setElemType(SEQUENCE)
                .setSequenceValue(SequenceProto.newBuilder().setElemType(TENSOR)).build(), null);
        assertThat(((OptionalValue) seq).value()).isInstanceOf(TensorSequence.class);
        Value nested = TensorProtos.toValue(OptionalProto.newBuilder().setElemType(OPTIONAL)
                .setOptionalValue(OptionalProto.getDefaultInstance()).build(), null);
        assertThat(((OptionalValue) nested).value()).isSameAs(OptionalValue.EMPTY);
    }

    @Test
    void onnxTestSuiteEmptyOptional() {
        Path empty = SharedFiles.onnxTests().resolve("node/test_optional_has_element_empty_optional_input/test_data_set_0");
        assertThat(TensorProtos.toValue(OnnxFiles.readOptional(empty.resolve("input_0.pb")), empty)).isSameAs(OptionalValue.EMPTY);
        Path file = SharedFiles.onnxTests().resolve("node/test_optional_get_element_optional_sequence/test_data_set_0");
        // the suite's sequences-in-optionals decode to an OptionalValue holding a TensorSequence
        Value v = TensorProtos.toValue(OnnxFiles.readOptional(file.resolve("input_0.pb")), file);
        assertThat(v).isInstanceOf(OptionalValue.class);
        assertThat(((OptionalValue) v).value()).isInstanceOf(TensorSequence.class);
    }
}
