package io.ghostflow.onnx;

import io.ghostflow.onnx.proto.Onnx.TensorProto;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.nio.charset.StandardCharsets;

/**
 * Decoding of the typed repeated fields of a TensorProto, per onnx.proto: float_data for FLOAT
 * and COMPLEX64 (real, imaginary pairs); double_data for DOUBLE and COMPLEX128; int64_data for
 * INT64; uint64_data for UINT32 and UINT64; int32_data for INT32 and, as bit patterns, every
 * narrower type (INT8/16, UINT8/16, BOOL, FLOAT16, BFLOAT16, FLOAT8*), with 4-bit types packed
 * two per int32 value and 2-bit types four per value, first element in the low bits.
 * Counts must match the dims exactly, so nothing is allocated beyond what the file holds.
 */
final class TypedFields {
    private TypedFields() {
    }

    static Tensor decode(TensorProto t, DType dtype, int[] shape, int n) {
        return switch (dtype) {
            case FLOAT -> {
                need(t, "float_data", t.getFloatDataCount(), n);
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = t.getFloatData(i);
                }
                yield Tensor.ofArray(dtype, a, shape);
            }
            case COMPLEX64 -> {
                need(t, "float_data", t.getFloatDataCount(), 2L * n);
                float[] a = new float[2 * n];
                for (int i = 0; i < a.length; i++) {
                    a[i] = t.getFloatData(i);
                }
                yield Tensor.wrap(dtype, shape, java.lang.foreign.MemorySegment.ofArray(a));
            }
            case DOUBLE -> {
                need(t, "double_data", t.getDoubleDataCount(), n);
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = t.getDoubleData(i);
                }
                yield Tensor.ofArray(dtype, a, shape);
            }
            case COMPLEX128 -> {
                need(t, "double_data", t.getDoubleDataCount(), 2L * n);
                double[] a = new double[2 * n];
                for (int i = 0; i < a.length; i++) {
                    a[i] = t.getDoubleData(i);
                }
                yield Tensor.wrap(dtype, shape, java.lang.foreign.MemorySegment.ofArray(a));
            }
            case INT64 -> {
                need(t, "int64_data", t.getInt64DataCount(), n);
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = t.getInt64Data(i);
                }
                yield Tensor.ofArray(dtype, a, shape);
            }
            case UINT64 -> {
                need(t, "uint64_data", t.getUint64DataCount(), n);
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = t.getUint64Data(i);
                }
                yield Tensor.ofArray(dtype, a, shape);
            }
            case UINT32 -> {
                need(t, "uint64_data", t.getUint64DataCount(), n);
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (int) t.getUint64Data(i);
                }
                yield Tensor.ofArray(dtype, a, shape);
            }
            case INT32 -> {
                need(t, "int32_data", t.getInt32DataCount(), n);
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = t.getInt32Data(i);
                }
                yield Tensor.ofArray(dtype, a, shape);
            }
            case INT16, UINT16, FLOAT16, BFLOAT16 -> {
                need(t, "int32_data", t.getInt32DataCount(), n);
                short[] a = new short[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (short) t.getInt32Data(i);
                }
                yield Tensor.ofArray(dtype, a, shape);
            }
            case INT8, UINT8, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ, FLOAT8E8M0 -> {
                need(t, "int32_data", t.getInt32DataCount(), n);
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (byte) t.getInt32Data(i);
                }
                yield Tensor.ofArray(dtype, a, shape);
            }
            case BOOL -> {
                need(t, "int32_data", t.getInt32DataCount(), n);
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (byte) (t.getInt32Data(i) != 0 ? 1 : 0);
                }
                yield Tensor.ofArray(dtype, a, shape);
            }
            case INT4, UINT4, FLOAT4E2M1, INT2, UINT2 -> {
                need(t, "int32_data", t.getInt32DataCount(), PackedBits.packedBytes(dtype, n));
                int per = PackedBits.perByte(dtype);
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) {
                    a[i] = PackedBits.element(dtype, t.getInt32Data(i / per) & 0xff, i % per);
                }
                yield Tensor.ofArray(dtype, a, shape);
            }
            case STRING -> {
                need(t, "string_data", t.getStringDataCount(), n);
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = t.getStringData(i).toString(StandardCharsets.UTF_8);
                }
                yield Tensor.ofStrings(a, shape);
            }
        };
    }

    private static void need(TensorProto t, String field, int have, long need) {
        if (have != need) {
            throw ProtoShapes.invalid(ProtoShapes.name(t.getName()) + ": " + field + " has " + have
                    + " values, dims " + t.getDimsList() + " need " + need);
        }
    }
}
