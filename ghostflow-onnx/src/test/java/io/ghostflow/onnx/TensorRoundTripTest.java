package io.ghostflow.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.ghostflow.onnx.proto.Onnx.TensorProto;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** fromTensor/toTensor and the typed-field encodings of onnx.proto, for every dtype. */
class TensorRoundTripTest {
    private static final int[] SHAPE = {3, 5, 7}; // 105 elements: odd, so packed types end part-filled

    /** Random valid storage for {@code dtype}: any bit pattern, except the sub-byte types' value ranges. */
    static Tensor random(DType dtype, int[] shape, long seed) {
        Random r = new Random(seed);
        int n = ProtoShapes.size(shape);
        if (dtype == DType.STRING) {
            String[] s = new String[n];
            for (int i = 0; i < n; i++) {
                s[i] = "s" + r.nextInt(1000) + (i % 3 == 0 ? "é漢" : "");
            }
            return Tensor.ofStrings(s, shape);
        }
        byte[] bytes = new byte[n * dtype.storageBytes()];
        r.nextBytes(bytes);
        if (dtype.isNarrow() || dtype == DType.BOOL) {
            for (int i = 0; i < n; i++) {
                bytes[i] = switch (dtype) {
                    case INT4 -> (byte) (r.nextInt(16) - 8);
                    case UINT4, FLOAT4E2M1 -> (byte) r.nextInt(16);
                    case INT2 -> (byte) (r.nextInt(4) - 2);
                    case UINT2 -> (byte) r.nextInt(4);
                    case BOOL -> (byte) r.nextInt(2);
                    default -> bytes[i];
                };
            }
        }
        return Tensor.wrap(dtype, shape, MemorySegment.ofArray(bytes));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void rawDataRoundTripIsExact(DType dtype) {
        Tensor t = random(dtype, SHAPE, dtype.ordinal());
        TensorProto p = TensorProtos.fromTensor(t, "w");
        assertThat(p.getDataType()).isEqualTo(dtype.onnxCode());
        assertThat(p.getDimsList()).containsExactly(3L, 5L, 7L);
        assertThat(p.getName()).isEqualTo("w");
        Tensor back = TensorProtos.toTensor(p, null);
        assertThat(back.dtype()).isEqualTo(dtype);
        assertThat(back.shape()).isEqualTo(SHAPE);
        assertThat(back.contentEquals(t)).as(dtype.toString()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void typedFieldsDecodeToTheSameContent(DType dtype) {
        Tensor t = random(dtype, SHAPE, 100 + dtype.ordinal());
        TensorProto p = TypedEncoder.encode(t, "w");
        assertThat(p.hasRawData()).isFalse();
        Tensor back = TensorProtos.toTensor(p, null);
        assertThat(back.contentEquals(t)).as(dtype.toString()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void emptyAndScalarTensors(DType dtype) {
        for (int[] shape : new int[][] {{}, {0}, {2, 0, 3}}) {
            Tensor t = random(dtype, shape, 7);
            assertThat(TensorProtos.toTensor(TensorProtos.fromTensor(t, "e"), null).contentEquals(t)).isTrue();
            assertThat(TensorProtos.toTensor(TypedEncoder.encode(t, "e"), null).contentEquals(t)).isTrue();
        }
    }

    @Test
    void int4AndUint2PackLowBitsFirst() {
        // onnx.proto: the first element goes to the least significant bits
        Tensor i4 = Tensor.ofArray(DType.INT4, new byte[] {-1, 2, 7}, 3);
        assertThat(TensorProtos.fromTensor(i4, "x").getRawData().toByteArray()).containsExactly(0x2f, 0x07);
        Tensor u2 = Tensor.ofArray(DType.UINT2, new byte[] {1, 2, 3, 0, 3}, 5);
        assertThat(TensorProtos.fromTensor(u2, "x").getRawData().toByteArray()).containsExactly(0b00111001, 0b11);
        TensorProto packed = TensorProto.newBuilder().setDataType(DType.INT4.onnxCode()).addDims(3)
                .addInt32Data(0x8f).addInt32Data(0x07).build();
        assertThat(TensorProtos.toTensor(packed, null).asLongs()).containsExactly(-1, -8, 7);
    }

    @Test
    void typedFieldsFollowOnnxProto() {
        TensorProto f16 = TensorProto.newBuilder().setDataType(DType.FLOAT16.onnxCode()).addDims(2)
                .addInt32Data(0x3c00).addInt32Data(0xc000).build();
        assertThat(TensorProtos.toTensor(f16, null).asFloats()).containsExactly(1f, -2f);
        TensorProto bf16 = TensorProto.newBuilder().setDataType(DType.BFLOAT16.onnxCode()).addDims(1)
                .addInt32Data(0x3fc0).build();
        assertThat(TensorProtos.toTensor(bf16, null).asFloats()).containsExactly(1.5f);
        TensorProto u32 = TensorProto.newBuilder().setDataType(DType.UINT32.onnxCode()).addDims(1)
                .addUint64Data(0xffffffffL).build();
        assertThat(TensorProtos.toTensor(u32, null).getLong(0)).isEqualTo(0xffffffffL);
        TensorProto u64 = TensorProto.newBuilder().setDataType(DType.UINT64.onnxCode()).addDims(1)
                .addUint64Data(-1L).build();
        assertThat(TensorProtos.toTensor(u64, null).getDouble(0)).isEqualTo(0x1p64);
        TensorProto c64 = TensorProto.newBuilder().setDataType(DType.COMPLEX64.onnxCode()).addDims(2)
                .addFloatData(1).addFloatData(2).addFloatData(3).addFloatData(4).build();
        MemorySegment seg = TensorProtos.toTensor(c64, null).segment();
        assertThat(seg.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN)))
                .containsExactly(1, 2, 3, 4);
        TensorProto e4m3 = TensorProto.newBuilder().setDataType(DType.FLOAT8E4M3FN.onnxCode()).addDims(1)
                .addInt32Data(0x38).build(); // 0 0111 000 = 1.0
        assertThat(TensorProtos.toTensor(e4m3, null).getDouble(0)).isEqualTo(1.0);
        TensorProto str = TensorProto.newBuilder().setDataType(DType.STRING.onnxCode()).addDims(1)
                .addStringData(ByteString.copyFrom("héllo", StandardCharsets.UTF_8)).build();
        assertThat(TensorProtos.toTensor(str, null).strings()).containsExactly("héllo");
    }

    @Test
    void rawDataOfWideTypesIsWrappedNotCopied() {
        Tensor t = random(DType.FLOAT, SHAPE, 1);
        TensorProto p = TensorProtos.fromTensor(t, "w");
        byte[] bytes = p.toByteArray();
        TensorProto parsed = parseAliased(bytes);
        Tensor back = TensorProtos.toTensor(parsed, null);
        assertThat(back.contentEquals(t)).isTrue();
        // the tensor's memory is the parsed buffer itself: changing the buffer shows through
        int at = indexOf(bytes, p.getRawData().toByteArray());
        bytes[at] ^= 0x55;
        assertThat(back.contentEquals(t)).isFalse();
    }

    private static TensorProto parseAliased(byte[] bytes) {
        try {
            // the way OnnxFiles parses: an immutable input, so protobuf may alias it
            var in = com.google.protobuf.UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
            in.enableAliasing(true);
            return TensorProto.parseFrom(in);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
