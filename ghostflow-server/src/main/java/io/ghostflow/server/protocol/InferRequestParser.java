package io.ghostflow.server.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the JSON part of an inference request with a streaming parser. Tensor data goes straight
 * into a primitive array of the declared datatype (no boxed lists); nested arrays are flattened
 * row-major. When {@code data} comes before {@code datatype} its tokens are buffered and replayed.
 */
public final class InferRequestParser {
    static final JsonFactory JSON = JsonFactory.builder().enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

    private InferRequestParser() {
    }

    /** Parses {@code length} bytes of {@code buf} from {@code index} (heap bytes directly, others copied once). */
    public static InferRequest parse(ByteBuf buf, int index, int length) {
        byte[] bytes;
        int offset;
        if (buf.hasArray()) {
            bytes = buf.array();
            offset = buf.arrayOffset() + index;
        } else {
            bytes = new byte[length];
            buf.getBytes(index, bytes);
            offset = 0;
        }
        InferRequest fast = FastRequestReader.tryRead(bytes, offset, length);
        if (fast != null) {
            return fast;
        }
        try (JsonParser p = JSON.createParser(bytes, offset, length)) {
            return parse(p);
        } catch (GhostFlowException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "malformed inference request JSON: " + e.getMessage());
        }
    }

    public static InferRequest parse(InputStream in) {
        try (JsonParser p = JSON.createParser(in)) {
            return parse(p);
        } catch (GhostFlowException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "malformed inference request JSON: " + e.getMessage());
        }
    }

    private static InferRequest parse(JsonParser p) throws IOException {
        expect(p, p.nextToken(), JsonToken.START_OBJECT, "request");
        String id = null;
        List<InferInput> inputs = null;
        List<InferRequest.RequestedOutput> outputs = List.of();
        boolean binaryOut = false;
        long timeout = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "id" -> id = p.getValueAsString();
                case "inputs" -> {
                    expect(p, t, JsonToken.START_ARRAY, "inputs");
                    inputs = new ArrayList<>();
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        inputs.add(input(p));
                    }
                }
                case "outputs" -> {
                    expect(p, t, JsonToken.START_ARRAY, "outputs");
                    outputs = new ArrayList<>();
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        outputs.add(output(p));
                    }
                }
                case "parameters" -> {
                    expect(p, t, JsonToken.START_OBJECT, "parameters");
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        p.nextToken();
                        switch (name) {
                            case "binary_data_output" -> binaryOut = p.getValueAsBoolean();
                            case "timeout" -> timeout = p.getValueAsLong(-1);
                            default -> p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (inputs == null) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "inference request has no 'inputs'");
        }
        return new InferRequest(id, inputs, outputs, binaryOut, timeout);
    }

    private static InferRequest.RequestedOutput output(JsonParser p) throws IOException {
        String name = null;
        Boolean binary = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("name")) {
                name = p.getValueAsString();
            } else if (field.equals("parameters")) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String param = p.currentName();
                    p.nextToken();
                    if (param.equals("binary_data")) {
                        binary = p.getValueAsBoolean();
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        if (name == null) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "a requested output has no 'name'");
        }
        return new InferRequest.RequestedOutput(name, binary);
    }

    private static InferInput input(JsonParser p) throws IOException {
        String name = null;
        String datatype = null;
        int[] shape = null;
        long binarySize = -1;
        Tensor tensor = null;
        TokenBuffer early = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "name" -> name = p.getValueAsString();
                case "datatype" -> datatype = p.getValueAsString();
                case "shape" -> {
                    expect(p, t, JsonToken.START_ARRAY, "shape");
                    int[] s = new int[8];
                    int n = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        long d = p.getValueAsLong(-1);
                        if (d < 0 || d > Integer.MAX_VALUE || !p.currentToken().isNumeric()) {
                            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + name + "': bad shape dimension " + p.getText());
                        }
                        if (n == s.length) {
                            s = Arrays.copyOf(s, n * 2);
                        }
                        s[n++] = (int) d;
                    }
                    shape = Arrays.copyOf(s, n);
                }
                case "parameters" -> {
                    expect(p, t, JsonToken.START_OBJECT, "parameters");
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String param = p.currentName();
                        p.nextToken();
                        if (param.equals("binary_data_size")) {
                            binarySize = p.getValueAsLong(-1);
                        } else {
                            p.skipChildren();
                        }
                    }
                }
                case "data" -> {
                    if (datatype != null && shape != null) {
                        tensor = TensorData.read(p, DataTypes.of(datatype, name), shape, name);
                    } else {
                        early = new TokenBuffer(p, null);
                        early.copyCurrentStructure(p);
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (name == null) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "an input has no 'name'");
        }
        if (datatype == null || shape == null) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + name + "' needs 'shape' and 'datatype'");
        }
        DType dtype = DataTypes.of(datatype, name);
        if (early != null) {
            try (JsonParser replay = early.asParser()) {
                replay.nextToken();
                tensor = TensorData.read(replay, dtype, shape, name);
            }
        }
        if (tensor == null && binarySize < 0) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + name + "' has neither 'data' nor a 'binary_data_size' parameter");
        }
        return new InferInput(name, dtype, shape, tensor, tensor != null ? -1 : binarySize);
    }

    static void expect(JsonParser p, JsonToken got, JsonToken want, String what) {
        if (got != want) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "'" + what + "' must be " + (want == JsonToken.START_ARRAY ? "an array"
                    : "an object") + ", found " + got);
        }
    }
}
