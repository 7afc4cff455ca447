package io.ghostflow.onnx;

import com.google.protobuf.ByteString;
import io.ghostflow.onnx.proto.Onnx.TensorProto;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Test-side encoder into the typed fields, written from the onnx.proto comments independently
 * of the decoder, so the two can check each other.
 */
final class TypedEncoder {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TypedEncoder() {
    }

    static TensorProto encode(Tensor t, String name) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(t.dtype().onnxCode());
        for (int d : t.shape()) {
            b.addDims(d);
        }
        int n = t.size();
        if (t.dtype() == DType.STRING) {
            for (String s : t.strings()) {
                b.addStringData(ByteString.copyFrom(s, StandardCharsets.UTF_8));
            }
            return b.build();
        }
        MemorySegment s = t.segment();
        switch (t.dtype()) {
            case FLOAT -> { for (int i = 0; i < n; i++) b.addFloatData(s.getAtIndex(F32, i)); }
            case COMPLEX64 -> { for (int i = 0; i < 2 * n; i++) b.addFloatData(s.getAtIndex(F32, i)); }
            case DOUBLE -> { for (int i = 0; i < n; i++) b.addDoubleData(s.getAtIndex(F64, i)); }
            case COMPLEX128 -> { for (int i = 0; i < 2 * n; i++) b.addDoubleData(s.getAtIndex(F64, i)); }
            case INT64 -> { for (int i = 0; i < n; i++) b.addInt64Data(s.getAtIndex(I64, i)); }
            case UINT64 -> { for (int i = 0; i < n; i++) b.addUint64Data(s.getAtIndex(I64, i)); }
            case UINT32 -> { for (int i = 0; i < n; i++) b.addUint64Data(s.getAtIndex(I32, i) & 0xffffffffL); }
            case INT32 -> { for (int i = 0; i < n; i++) b.addInt32Data(s.getAtIndex(I32, i)); }
            // 16-bit types: the unsigned bit pattern (sign-extended for INT16, as protobuf writers do)
            case INT16 -> { for (int i = 0; i < n; i++) b.addInt32Data(s.getAtIndex(I16, i)); }
            case UINT16, FLOAT16, BFLOAT16 -> { for (int i = 0; i < n; i++) b.addInt32Data(s.getAtIndex(I16, i) & 0xffff); }
            case INT8 -> { for (int i = 0; i < n; i++) b.addInt32Data(s.get(ValueLayout.JAVA_BYTE, i)); }
            case UINT8, BOOL, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ, FLOAT8E8M0 -> {
                for (int i = 0; i < n; i++) b.addInt32Data(s.get(ValueLayout.JAVA_BYTE, i) & 0xff);
            }
            case INT4, UINT4, FLOAT4E2M1 -> {
                for (int i = 0; i < n; i += 2) {
                    int lo = s.get(ValueLayout.JAVA_BYTE, i) & 0xf;
                    int hi = i + 1 < n ? s.get(ValueLayout.JAVA_BYTE, i + 1) & 0xf : 0;
                    b.addInt32Data(lo | hi << 4);
                }
            }
            case INT2, UINT2 -> {
                for (int i = 0; i < n; i += 4) {
                    int v = 0;
                    for (int k = 0; k < 4 && i + k < n; k++) {
                        v |= (s.get(ValueLayout.JAVA_BYTE, i + k) & 3) << (2 * k);
                    }
                    b.addInt32Data(v);
                }
            }
            default -> throw new AssertionError(t.dtype());
        }
        return b.build();
    }
}
