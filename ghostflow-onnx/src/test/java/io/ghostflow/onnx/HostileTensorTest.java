package io.ghostflow.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.proto.Onnx.SparseTensorProto;
import io.ghostflow.onnx.proto.Onnx.TensorProto;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Malformed and hostile tensors: INVALID_FORMAT naming the tensor, never an allocation from a size field. */
class HostileTensorTest {
    private static TensorProto.Builder tensor(DType dtype, long... dims) {
        TensorProto.Builder b = TensorProto.newBuilder().setName("evil").setDataType(dtype.onnxCode());
        for (long d : dims) {
            b.addDims(d);
        }
        return b;
    }

    private static void refused(ThrowingCallable call, String... fragments) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GhostFlowException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FORMAT);
            assertThat(e.getMessage()).contains(fragments);
        });
    }

    @Test
    void dimsOverflowing64Bits() {
        TensorProto t = tensor(DType.FLOAT, 1L << 32, 1L << 32, 1L << 32).setRawData(ByteString.copyFrom(new byte[4])).build();
        refused(() -> TensorProtos.toTensor(t, null), "'evil'", "overflow");
    }

    @Test
    void dimsBeyondTheElementCap() {
        // 2^31 elements of one byte: fits in 64 bits but not in a Java array
        TensorProto t = tensor(DType.UINT8, 1L << 16, 1L << 15).build();
        refused(() -> TensorProtos.toTensor(t, null), "'evil'");
        TensorProto huge = tensor(DType.FLOAT, Long.MAX_VALUE).build();
        refused(() -> TensorProtos.toTensor(huge, null), "'evil'");
        // a zero dim makes an empty tensor
        assertThat(TensorProtos.toTensor(tensor(DType.FLOAT, 0, 5).build(), null).size()).isZero();
        refused(() -> TensorProtos.toTensor(tensor(DType.FLOAT, 0, 1L << 40).build(), null), "'evil'", "axis 1");
    }

    @Test
    void negativeDims() {
        refused(() -> TensorProtos.toTensor(tensor(DType.FLOAT, 2, -1).build(), null), "'evil'", "negative");
    }

    @Test
    void rawDataShorterOrLongerThanDims() {
        refused(() -> TensorProtos.toTensor(tensor(DType.FLOAT, 4).setRawData(ByteString.copyFrom(new byte[15])).build(), null),
                "'evil'", "raw_data has 15 bytes", "need 16");
        refused(() -> TensorProtos.toTensor(tensor(DType.FLOAT, 4).setRawData(ByteString.copyFrom(new byte[17])).build(), null),
                "'evil'");
        // packed: 5 INT4 need 3 bytes
        refused(() -> TensorProtos.toTensor(tensor(DType.INT4, 5).setRawData(ByteString.copyFrom(new byte[2])).build(), null),
                "'evil'", "need 3");
    }

    @Test
    void typedFieldsShorterThanDims() {
        refused(() -> TensorProtos.toTensor(tensor(DType.FLOAT, 3).addFloatData(1).addFloatData(2).build(), null),
                "'evil'", "float_data has 2");
        refused(() -> TensorProtos.toTensor(tensor(DType.INT64, 1 << 30).addInt64Data(1).build(), null), "'evil'", "int64_data");
        refused(() -> TensorProtos.toTensor(tensor(DType.UINT32, 2).addInt32Data(1).addInt32Data(2).build(), null),
                "'evil'", "uint64_data has 0");
        refused(() -> TensorProtos.toTensor(tensor(DType.COMPLEX64, 2).addFloatData(1).addFloatData(2).build(), null),
                "'evil'", "need 4");
        refused(() -> TensorProtos.toTensor(tensor(DType.STRING, 2).build(), null), "'evil'", "string_data");
        refused(() -> TensorProtos.toTensor(tensor(DType.INT2, 9).addInt32Data(0).addInt32Data(0).build(), null),
                "'evil'", "need 3");
        // no data at all
        refused(() -> TensorProtos.toTensor(tensor(DType.DOUBLE, 2, 2).build(), null), "'evil'");
    }

    @Test
    void unknownDataType() {
        for (int code : new int[] {0, -1, 27, 99, Integer.MAX_VALUE}) {
            refused(() -> TensorProtos.toTensor(TensorProto.newBuilder().setName("evil").setDataType(code).build(), null),
                    "'evil'", "data_type " + code);
        }
    }

    @Test
    void stringInRawData() {
        refused(() -> TensorProtos.toTensor(tensor(DType.STRING, 1).setRawData(ByteString.copyFrom(new byte[1])).build(), null),
                "'evil'", "string_data");
    }

    @Test
    void sparseIndicesOutOfBounds() {
        TensorProto values = TensorProtos.fromTensor(Tensor.of(new float[] {1, 2}, 2), "evil");
        SparseTensorProto linear = SparseTensorProto.newBuilder().setValues(values)
                .setIndices(TensorProtos.fromTensor(Tensor.ofLongs(new long[] {1, 6}, 2), "i")).addDims(2).addDims(3).build();
        refused(() -> TensorProtos.fromSparse(linear, null), "'evil'", "index 6");
        SparseTensorProto negative = linear.toBuilder()
                .setIndices(TensorProtos.fromTensor(Tensor.ofLongs(new long[] {-1, 2}, 2), "i")).build();
        refused(() -> TensorProtos.fromSparse(negative, null), "'evil'", "index -1");
        SparseTensorProto coords = linear.toBuilder()
                .setIndices(TensorProtos.fromTensor(Tensor.ofLongs(new long[] {0, 1, 2, 0}, 2, 2), "i")).build();
        refused(() -> TensorProtos.fromSparse(coords, null), "'evil'", "axis 0");
        SparseTensorProto wrongShape = linear.toBuilder()
                .setIndices(TensorProtos.fromTensor(Tensor.ofLongs(new long[] {0, 1, 2}, 3), "i")).build();
        refused(() -> TensorProtos.fromSparse(wrongShape, null), "'evil'");
        // dims that cost the file nothing but would densify to gigabytes
        SparseTensorProto huge = linear.toBuilder().clearDims().addDims(1 << 29).addDims(2)
                .setIndices(TensorProtos.fromTensor(Tensor.ofLongs(new long[] {0, 1}, 2), "i")).build();
        refused(() -> TensorProtos.fromSparse(huge, null), "'evil'", "heap");
    }

    @Test
    void sparseDensifiesBothIndexForms() {
        TensorProto values = TensorProtos.fromTensor(Tensor.of(new float[] {5, 7}, 2), "v");
        SparseTensorProto linear = SparseTensorProto.newBuilder().setValues(values)
                .setIndices(TensorProtos.fromTensor(Tensor.ofLongs(new long[] {1, 5}, 2), "i")).addDims(2).addDims(3).build();
        assertThat(TensorProtos.fromSparse(linear, null).asFloats()).containsExactly(0, 5, 0, 0, 0, 7);
        SparseTensorProto coords = linear.toBuilder()
                .setIndices(TensorProtos.fromTensor(Tensor.ofLongs(new long[] {0, 1, 1, 2}, 2, 2), "i")).build();
        Tensor dense = TensorProtos.fromSparse(coords, null);
        assertThat(dense.shape()).containsExactly(2, 3);
        assertThat(dense.asFloats()).containsExactly(0, 5, 0, 0, 0, 7);
        SparseTensorProto strings = SparseTensorProto.newBuilder()
                .setValues(TensorProtos.fromTensor(Tensor.ofStrings(new String[] {"a"}, 1), "v"))
                .setIndices(TensorProtos.fromTensor(Tensor.ofLongs(new long[] {2}, 1), "i")).addDims(3).build();
        assertThat(TensorProtos.fromSparse(strings, null).strings()).containsExactly("", "", "a");
    }
}
