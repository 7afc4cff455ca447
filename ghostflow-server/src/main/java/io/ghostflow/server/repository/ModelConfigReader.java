package io.ghostflow.server.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code config.json}, {@code config.yaml}/{@code .yml} (Triton's field names) or
 * {@code config.pbtxt} (Triton's protobuf text format, or JSON when it starts with a brace) from a
 * model directory. Unknown fields are ignored, as Triton does.
 */
public final class ModelConfigReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final List<String> FILES = List.of("config.json", "config.yaml", "config.yml", "config.pbtxt");

    private ModelConfigReader() {
    }

    /** The model's config, or defaults when it has no config file. */
    public static ModelConfig read(Path modelDir, String name) {
        for (String f : FILES) {
            Path p = modelDir.resolve(f);
            if (Files.isRegularFile(p)) {
                try {
                    JsonNode n = f.endsWith(".pbtxt") ? readPbtxt(p, name, f)
                            : (f.endsWith(".yaml") || f.endsWith(".yml") ? YAML : JSON).readTree(p.toFile());
                    return parse(n == null ? JSON.createObjectNode() : n, name, f);
                } catch (IOException e) {
                    throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "model '" + name + "': cannot read " + f + ": " + e.getMessage());
                }
            }
        }
        return ModelConfig.defaults(name);
    }

    /** Protobuf text format, except a file that starts with a brace: that is JSON (text format never does). */
    private static JsonNode readPbtxt(Path p, String name, String file) throws IOException {
        String text = Files.readString(p);
        return text.strip().startsWith("{") ? JSON.readTree(text) : TritonTextConfig.toJson(text, name, file);
    }

    static ModelConfig parse(JsonNode n, String name, String file) {
        // As in Triton, a config that names its model must name the directory it sits in: a copied
        // config left with another model's name would otherwise configure the wrong model silently.
        String declared = n.path("name").asText("");
        if (!declared.isEmpty() && !declared.equals(name)) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "model '" + name + "': " + file + ": name '" + declared
                    + "' does not match the model's directory name '" + name + "'");
        }
        ModelConfig d = ModelConfig.defaults(name);
        int maxBatch = n.path("max_batch_size").asInt(d.maxBatchSize());
        JsonNode db = n.path("dynamic_batching");
        boolean dynamic = db.isObject();
        List<Integer> preferred = new ArrayList<>();
        db.path("preferred_batch_size").forEach(x -> preferred.add(x.asInt()));
        long delay = db.path("max_queue_delay_microseconds").asLong(0);
        int queueLimit = db.path("default_queue_policy").path("max_queue_size").asInt(n.path("queue_limit").asInt(d.queueLimit()));
        long timeout = db.path("default_queue_policy").path("default_timeout_microseconds")
                .asLong(n.path("default_timeout_microseconds").asLong(0));
        int instances = n.path("instance_count").asInt(0);
        if (instances == 0) {
            for (JsonNode g : n.path("instance_group")) {
                instances += g.path("count").asInt(1);
            }
        }
        instances = Math.max(1, instances);
        VersionPolicy policy = d.versionPolicy();
        JsonNode vp = n.path("version_policy");
        if (vp.has("all")) {
            policy = VersionPolicy.all();
        } else if (vp.has("specific")) {
            List<Long> vs = new ArrayList<>();
            vp.path("specific").path("versions").forEach(x -> vs.add(x.asLong()));
            policy = VersionPolicy.specific(vs);
        } else if (vp.has("latest")) {
            policy = VersionPolicy.latest(vp.path("latest").path("num_versions").asInt(1));
        }
        int warmup = 0;
        JsonNode w = n.path("model_warmup");
        if (w.isInt()) {
            warmup = w.asInt();
        } else if (w.isArray()) {
            for (JsonNode x : w) {
                warmup += x.path("count").asInt(1);
            }
        } else {
            warmup = n.path("warmup").asInt(0);
        }
        if (maxBatch < 0 || queueLimit < 1 || delay < 0) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "model '" + name + "': " + file
                    + ": max_batch_size, queue limit and max_queue_delay_microseconds must not be negative");
        }
        return new ModelConfig(name, maxBatch, dynamic && maxBatch > 1, preferred, delay, instances, queueLimit, timeout, policy, warmup);
    }
}
