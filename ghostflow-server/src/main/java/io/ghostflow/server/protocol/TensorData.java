package io.ghostflow.server.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Tensor data in and out of the protocol: JSON arrays and the binary extension's raw little-endian bytes. */
public final class TensorData {
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TensorData() {
    }

    static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Reads a (possibly nested) JSON array positioned at its START_ARRAY into a tensor; the count must fill {@code shape}. */
    static Tensor read(JsonParser p, DType dtype, int[] shape, String name) throws IOException {
        long want = count(shape);
        if (want > Integer.MAX_VALUE) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + name + "': shape " + Arrays.toString(shape) + " is too large");
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + name + "': 'data' must be an array");
        }
        int n = (int) want;
        Sink sink = Sink.of(dtype, n);
        int depth = 0;
        int at = 0;
        JsonToken t = p.currentToken();
        do {
            if (t == JsonToken.START_ARRAY) {
                depth++;
            } else if (t == JsonToken.END_ARRAY) {
                depth--;
            } else {
                if (at >= n) {
                    throw mismatch(name, dtype, shape, "more than " + n);
                }
                try {
                    sink.put(at++, p, t);
                } catch (IOException | RuntimeException e) {
                    throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + name + "': element " + (at - 1) + " ('"
                            + p.getText() + "') is not a valid " + DataTypes.name(dtype));
                }
            }
            if (depth == 0) {
                break;
            }
            t = p.nextToken();
            if (t == null) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + name + "': truncated 'data'");
            }
        } while (true);
        if (at != n) {
            throw mismatch(name, dtype, shape, Integer.toString(at));
        }
        return sink.tensor(shape);
    }

    private static GhostFlowException mismatch(String name, DType dtype, int[] shape, String given) {
        return new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + name + "': shape " + Arrays.toString(shape) + " of "
                + DataTypes.name(dtype) + " needs " + count(shape) + " elements, 'data' has " + given);
    }

    /** Decodes the binary extension's bytes for one input; the byte count must equal what shape x datatype needs. */
    public static Tensor fromBytes(MemorySegment bytes, DType dtype, int[] shape, String name) {
        long n = count(shape);
        if (dtype == DType.STRING) {
            String[] out = new String[(int) n];
            long pos = 0;
            for (int i = 0; i < n; i++) {
                if (pos + 4 > bytes.byteSize()) {
                    throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + name + "': binary BYTES data holds fewer than " + n + " elements");
                }
                int len = bytes.get(LE_INT, pos);
                pos += 4;
                if (len < 0 || pos + len > bytes.byteSize()) {
                    throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + name + "': binary BYTES element " + i + " overruns the data");
                }
                out[i] = new String(bytes.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE), java.nio.charset.StandardCharsets.UTF_8);
                pos += len;
            }
            if (pos != bytes.byteSize()) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + name + "': binary BYTES data has " + (bytes.byteSize() - pos) + " bytes left over");
            }
            return Tensor.ofStrings(out, shape);
        }
        Tensor t = forBytes(dtype, shape, name, bytes.byteSize());
        MemorySegment.copy(bytes, 0, t.segment(), 0, bytes.byteSize());
        return t;
    }

    /**
     * An empty tensor to receive {@code byteSize} bytes of binary data of a fixed-size dtype (not
     * BYTES), after checking that the shape needs exactly that many; lets the caller copy the data
     * in from wherever it lies.
     */
    public static Tensor forBytes(DType dtype, int[] shape, String name, long byteSize) {
        long need = count(shape) * dtype.storageBytes();
        if (byteSize != need) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + name + "': shape " + Arrays.toString(shape) + " of "
                    + DataTypes.name(dtype) + " needs " + need + " bytes, binary data has " + byteSize);
        }
        return Tensor.zeros(dtype, shape);
    }

    /** The raw little-endian bytes of a tensor for a binary response (BYTES: 4-byte length prefixes). */
    public static byte[] toBytes(Tensor t) {
        if (t.dtype() == DType.STRING) {
            var out = new java.io.ByteArrayOutputStream();
            for (String s : t.strings()) {
                byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                int len = b.length;
                out.write(len);
                out.write(len >>> 8);
                out.write(len >>> 16);
                out.write(len >>> 24);
                out.write(b, 0, b.length);
            }
            return out.toByteArray();
        }
        return t.segment().toArray(ValueLayout.JAVA_BYTE);
    }

    /** Typed destination for JSON elements. */
    private abstract static class Sink {
        abstract void put(int i, JsonParser p, JsonToken t) throws IOException;

        abstract Tensor tensor(int[] shape);

        static Sink of(DType dtype, int n) {
            return switch (dtype) {
                case FLOAT -> new Sink() {
                    final float[] a = new float[n];

                    void put(int i, JsonParser p, JsonToken t) throws IOException {
                        a[i] = p.getFloatValue();
                    }

                    Tensor tensor(int[] s) {
                        return Tensor.of(a, s);
                    }
                };
                case DOUBLE -> new Sink() {
                    final double[] a = new double[n];

                    void put(int i, JsonParser p, JsonToken t) throws IOException {
                        a[i] = p.getDoubleValue();
                    }

                    Tensor tensor(int[] s) {
                        return Tensor.ofDoubles(a, s);
                    }
                };
                case INT64, UINT64 -> new Sink() {
                    final long[] a = new long[n];

                    void put(int i, JsonParser p, JsonToken t) throws IOException {
                        integral(t);
                        a[i] = p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue().longValue() : p.getLongValue();
                    }

                    Tensor tensor(int[] s) {
                        return Tensor.ofArray(dtype, a, s);
                    }
                };
                case INT32, UINT32 -> new Sink() {
                    final int[] a = new int[n];

                    void put(int i, JsonParser p, JsonToken t) throws IOException {
                        integral(t);
                        a[i] = (int) p.getLongValue();
                    }

                    Tensor tensor(int[] s) {
                        return Tensor.ofArray(dtype, a, s);
                    }
                };
                case INT16, UINT16, FLOAT16, BFLOAT16 -> new Sink() {
                    final short[] a = new short[n];

                    void put(int i, JsonParser p, JsonToken t) throws IOException {
                        a[i] = switch (dtype) {
                            case FLOAT16 -> Float.floatToFloat16(p.getFloatValue());
                            case BFLOAT16 -> io.ghostflow.tensor.NarrowFloats.toBFloat16(p.getFloatValue());
                            default -> {
                                integral(t);
                                yield (short) p.getIntValue();
                            }
                        };
                    }

                    Tensor tensor(int[] s) {
                        return Tensor.ofArray(dtype, a, s);
                    }
                };
                case INT8, UINT8, BOOL -> new Sink() {
                    final byte[] a = new byte[n];

                    void put(int i, JsonParser p, JsonToken t) throws IOException {
                        if (dtype == DType.BOOL) {
                            if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                                throw new IllegalArgumentException("not a boolean");
                            }
                            a[i] = (byte) (t == JsonToken.VALUE_TRUE ? 1 : 0);
                        } else {
                            integral(t);
                            a[i] = (byte) p.getIntValue();
                        }
                    }

                    Tensor tensor(int[] s) {
                        return Tensor.ofArray(dtype, a, s);
                    }
                };
                case STRING -> new Sink() {
                    final String[] a = new String[n];

                    void put(int i, JsonParser p, JsonToken t) throws IOException {
                        if (t != JsonToken.VALUE_STRING) {
                            throw new IllegalArgumentException("not a string");
                        }
                        a[i] = p.getText();
                    }

                    Tensor tensor(int[] s) {
                        return Tensor.ofStrings(a, s);
                    }
                };
                default -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "datatype " + dtype + " over JSON");
            };
        }

        static void integral(JsonToken t) {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw new IllegalArgumentException("not an integer");
            }
        }
    }
}
