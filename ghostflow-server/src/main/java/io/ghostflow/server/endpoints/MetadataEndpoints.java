package io.ghostflow.server.endpoints;

import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.server.http.Response;
import io.ghostflow.server.protocol.DataTypes;
import io.ghostflow.server.repository.ModelConfig;
import io.ghostflow.server.repository.ModelManager;
import io.ghostflow.server.repository.ModelVersion;
import io.ghostflow.server.repository.VersionPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Health, server metadata, model metadata, model readiness and model configuration. */
public final class MetadataEndpoints {
    public static final String SERVER_NAME = "ghostflow";
    public static final String SERVER_VERSION = "0.1.0";
    public static final List<String> EXTENSIONS = List.of("binary_tensor_data", "model_repository", "statistics",
            "model_configuration", "metrics");
    private final ModelManager models;

    public MetadataEndpoints(ModelManager models) {
        this.models = models;
    }

    public Response live() {
        return Json.ok(Map.of("live", true));
    }

    public Response ready() {
        if (!models.ready()) {
            return Response.error(503, "not every model is ready");
        }
        return Json.ok(Map.of("ready", true));
    }

    public Response server() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", SERVER_NAME);
        m.put("version", SERVER_VERSION);
        m.put("extensions", EXTENSIONS);
        return Json.ok(m);
    }

    public Response modelReady(String name, String version) {
        ModelVersion mv = models.peek(name, version);
        if (!mv.ready()) {
            return Response.error(503, "model '" + name + "' version " + mv.version() + " is not ready");
        }
        return Json.ok(Map.of("name", name, "ready", true));
    }

    public Response model(String name, String version) {
        ModelVersion mv = models.peek(name, version);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("versions", version != null ? List.of(mv.version())
                : models.served(name).versions().keySet().stream().map(String::valueOf).toList());
        m.put("platform", "onnx");
        m.put("inputs", tensors(mv.session().inputs()));
        m.put("outputs", tensors(mv.session().outputs()));
        return Json.ok(m);
    }

    private static List<Map<String, Object>> tensors(List<ValueInfo> infos) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ValueInfo v : infos) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", v.name());
            t.put("datatype", v.type().elementType() == null ? "BYTES" : DataTypes.name(v.type().elementType()));
            t.put("shape", shape(v.type().shape(), 0));
            out.add(t);
        }
        return out;
    }

    /** Declared dimensions from {@code from}, symbolic ones as -1 (the protocol's "variable"). */
    private static List<Long> shape(List<Dim> dims, int from) {
        if (dims == null) {
            return List.of(-1L);
        }
        return dims.stream().skip(from).map(d -> d.isFixed() ? d.value() : -1L).toList();
    }

    /** Triton's model configuration object (dims exclude the batch dimension when max_batch_size > 0). */
    public Response config(String name, String version) {
        ModelVersion mv = models.peek(name, version);
        ModelConfig c = mv.config();
        int skip = c.maxBatchSize() > 0 ? 1 : 0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("platform", "onnx");
        m.put("backend", "ghostflow");
        m.put("max_batch_size", c.maxBatchSize());
        m.put("input", configTensors(mv.session().inputs(), skip));
        m.put("output", configTensors(mv.session().outputs(), skip));
        if (c.dynamicBatching()) {
            Map<String, Object> db = new LinkedHashMap<>();
            db.put("preferred_batch_size", c.preferredBatchSizes());
            db.put("max_queue_delay_microseconds", c.maxQueueDelayMicros());
            db.put("default_queue_policy", Map.of("max_queue_size", c.queueLimit(),
                    "default_timeout_microseconds", c.defaultTimeoutMicros()));
            m.put("dynamic_batching", db);
        }
        m.put("instance_group", List.of(Map.of("count", c.instances(), "kind", "KIND_CPU")));
        VersionPolicy p = c.versionPolicy();
        m.put("version_policy", switch (p.kind()) {
            case ALL -> Map.of("all", Map.of());
            case LATEST -> Map.of("latest", Map.of("num_versions", p.latest()));
            case SPECIFIC -> Map.of("specific", Map.of("versions", p.specific()));
        });
        m.put("queue_limit", c.queueLimit());
        m.put("default_timeout_microseconds", c.defaultTimeoutMicros());
        m.put("model_warmup", c.warmupRuns());
        return Json.ok(m);
    }

    private static List<Map<String, Object>> configTensors(List<ValueInfo> infos, int skip) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ValueInfo v : infos) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", v.name());
            t.put("data_type", "TYPE_" + (v.type().elementType() == null ? "STRING" : DataTypes.name(v.type().elementType())
                    .replace("BYTES", "STRING")));
            List<Dim> dims = v.type().shape();
            t.put("dims", dims == null ? List.of(-1L) : shape(dims, Math.min(skip, dims.size())));
            out.add(t);
        }
        return out;
    }
}
