package io.ghostflow.server.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.JsonFactory;
import io.ghostflow.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an inference response: the JSON header, then, for outputs sent binary, their raw bytes
 * in output order. {@link Written#jsonLength} is the Inference-Header-Content-Length value.
 */
public final class InferResponseWriter {
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    private InferResponseWriter() {
    }

    /** One output to send: its tensor and whether it goes as binary data. */
    public record Output(String name, Tensor tensor, boolean binary) {
    }

    /** The body and the length of its JSON part (equal to the body length when nothing is binary). */
    public record Written(byte[] body, int jsonLength, boolean hasBinary) {
    }

    public static Written write(String modelName, String version, String id, List<Output> outputs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + estimate(outputs));
        List<byte[]> binaries = new ArrayList<>();
        try (JsonGenerator g = JSON.createGenerator((OutputStream) out)) {
            g.writeStartObject();
            g.writeStringField("model_name", modelName);
            g.writeStringField("model_version", version);
            if (id != null) {
                g.writeStringField("id", id);
            }
            g.writeArrayFieldStart("outputs");
            for (Output o : outputs) {
                Tensor t = o.tensor;
                g.writeStartObject();
                g.writeStringField("name", o.name);
                g.writeStringField("datatype", DataTypes.name(t.dtype()));
                g.writeArrayFieldStart("shape");
                for (int d : t.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                if (o.binary) {
                    byte[] b = TensorData.toBytes(t);
                    binaries.add(b);
                    g.writeObjectFieldStart("parameters");
                    g.writeNumberField("binary_data_size", b.length);
                    g.writeEndObject();
                } else {
                    g.writeFieldName("data");
                    writeData(g, t);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int jsonLength = out.size();
        for (byte[] b : binaries) {
            out.write(b, 0, b.length);
        }
        return new Written(out.toByteArray(), jsonLength, !binaries.isEmpty());
    }

    private static int estimate(List<Output> outputs) {
        long n = 0;
        for (Output o : outputs) {
            n += o.binary ? o.tensor.byteSize() : o.tensor.size() * 12L;
        }
        return (int) Math.min(n, 1 << 26);
    }

    /** Flat JSON array of the tensor's elements. */
    static void writeData(JsonGenerator g, Tensor t) throws IOException {
        int n = t.size();
        g.writeStartArray();
        switch (t.dtype()) {
            case FLOAT -> {
                float[] a = t.floats();
                for (int i = 0; i < n; i++) {
                    g.writeNumber(a[i]);
                }
            }
            case DOUBLE -> {
                double[] a = t.doubles();
                for (int i = 0; i < n; i++) {
                    g.writeNumber(a[i]);
                }
            }
            case INT64 -> {
                long[] a = t.longs();
                for (int i = 0; i < n; i++) {
                    g.writeNumber(a[i]);
                }
            }
            case UINT64 -> {
                long[] a = t.longs();
                for (int i = 0; i < n; i++) {
                    g.writeNumber(new java.math.BigInteger(Long.toUnsignedString(a[i])));
                }
            }
            case INT32, INT16, INT8, UINT8, UINT16, UINT32 -> {
                for (int i = 0; i < n; i++) {
                    g.writeNumber(t.getLong(i));
                }
            }
            case FLOAT16 -> {
                short[] a = t.shorts();
                for (int i = 0; i < n; i++) {
                    g.writeNumber(Float.float16ToFloat(a[i]));
                }
            }
            case BFLOAT16 -> {
                short[] a = t.shorts();
                for (int i = 0; i < n; i++) {
                    g.writeNumber(io.ghostflow.tensor.NarrowFloats.fromBFloat16(a[i]));
                }
            }
            case BOOL -> {
                byte[] a = t.bytes();
                for (int i = 0; i < n; i++) {
                    g.writeBoolean(a[i] != 0);
                }
            }
            case STRING -> {
                for (String s : t.strings()) {
                    g.writeString(s);
                }
            }
            default -> throw new io.ghostflow.core.GhostFlowException(io.ghostflow.core.ErrorCode.NOT_IMPLEMENTED,
                    "output of type " + t.dtype() + " cannot be sent as JSON");
        }
        g.writeEndArray();
    }
}
