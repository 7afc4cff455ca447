package io.ghostflow.server.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.server.repository.proto.TritonModelConfig;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Triton's {@code config.pbtxt}: protobuf text format of the {@code ModelConfig} message in
 * {@code src/main/proto/model_config.proto}. The parsed message becomes the same JSON tree a
 * {@code config.json} with Triton's field names gives, so {@link ModelConfigReader#parse} applies
 * one set of defaults and checks to every config format.
 */
final class TritonTextConfig {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    // Triton configs carry many fields GhostFlow does not use (optimization, parameters,
    // sequence_batching, ...): skipped, as the JSON path skips unknown keys.
    private static final TextFormat.Parser PARSER = TextFormat.Parser.newBuilder().setAllowUnknownFields(true).build();
    /** Where the skipped fields are reported, one line per config file with the model's name. */
    static final System.Logger LOG = System.getLogger("io.ghostflow.server.repository");
    /**
     * protobuf's parser reports the skipped fields itself, as a WARNING of its own logger that names
     * neither the model nor the file; while this class parses, those records are taken here and
     * reported with both (records from other parses in the JVM pass through unchanged). Held in a
     * field so the logger and its configuration are not garbage-collected.
     */
    private static final Logger PROTOBUF_LOG = Logger.getLogger(TextFormat.class.getName());
    private static final ThreadLocal<List<String>> SKIPPED = new ThreadLocal<>();

    static {
        PROTOBUF_LOG.setUseParentHandlers(false);
        PROTOBUF_LOG.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                List<String> sink = SKIPPED.get();
                if (sink != null) {
                    sink.add(r.getMessage());
                } else {
                    Logger.getLogger("").log(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    private TritonTextConfig() {
    }

    /** Parses {@code text}; a syntax error names the model, the file and the line:column. */
    static TritonModelConfig.ModelConfig parse(String text, String model, String file) {
        var b = TritonModelConfig.ModelConfig.newBuilder();
        List<String> skipped = new ArrayList<>();
        SKIPPED.set(skipped);
        try {
            PARSER.merge(text, b);
        } catch (TextFormat.ParseException e) {
            String where = e.getLine() + ":" + e.getColumn();
            String msg = e.getMessage() == null ? "" : e.getMessage();
            if (msg.startsWith(where + ": ")) {
                msg = msg.substring(where.length() + 2);
            }
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT,
                    "model '" + model + "': " + file + ":" + where + ": not a valid Triton model config (protobuf text format): " + msg);
        } finally {
            SKIPPED.remove();
        }
        for (String m : skipped) {
            // protobuf: "Input contains unknown fields and/or extensions:\n1:1:\tghostflow...ModelConfig.optimization"
            String fields = m.substring(m.indexOf(':') + 1).strip().replace("\n", ", ").replace("\t", " ");
            LOG.log(System.Logger.Level.WARNING, "model '" + model + "': " + file
                    + ": fields GhostFlow does not use, skipped: " + fields);
        }
        return b.build();
    }

    /** The JSON tree of {@code text}, with proto field names and enum value names. */
    static JsonNode toJson(String text, String model, String file) {
        return tree(parse(text, model, file));
    }

    /** Only the fields set in the file: an absent field keeps its Jackson default in parse. */
    static ObjectNode tree(Message m) {
        ObjectNode o = NODES.objectNode();
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            if (f.isRepeated()) {
                ArrayNode a = o.putArray(f.getName());
                for (Object v : (List<?>) e.getValue()) {
                    a.add(value(f, v));
                }
            } else {
                o.set(f.getName(), value(f, e.getValue()));
            }
        }
        return o;
    }

    private static JsonNode value(FieldDescriptor f, Object v) {
        return switch (f.getJavaType()) {
            case MESSAGE -> tree((Message) v);
            case ENUM -> NODES.textNode(((EnumValueDescriptor) v).getName());
            case INT -> f.getType() == FieldDescriptor.Type.UINT32 || f.getType() == FieldDescriptor.Type.FIXED32
                    ? NODES.numberNode(Integer.toUnsignedLong((Integer) v)) : NODES.numberNode((Integer) v);
            case LONG -> NODES.numberNode((Long) v);
            case FLOAT -> NODES.numberNode((Float) v);
            case DOUBLE -> NODES.numberNode((Double) v);
            case BOOLEAN -> NODES.booleanNode((Boolean) v);
            case STRING -> NODES.textNode((String) v);
            case BYTE_STRING -> NODES.textNode(Base64.getEncoder().encodeToString(((com.google.protobuf.ByteString) v).toByteArray()));
        };
    }
}
