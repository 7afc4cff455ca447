package io.ghostflow.server.endpoints;

import io.ghostflow.server.http.Response;
import io.ghostflow.server.repository.ModelManager;
import io.ghostflow.server.repository.ModelVersion;
import io.ghostflow.server.stats.ModelStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Triton's statistics extension: {@code /v2/models[/<m>[/versions/<v>]]/stats}. */
public final class StatsEndpoints {
    private final ModelManager models;

    public StatsEndpoints(ModelManager models) {
        this.models = models;
    }

    public Response stats(String name, String version) {
        List<ModelVersion> picked = new ArrayList<>();
        if (name == null) {
            new TreeMap<>(models.models()).values().forEach(s -> picked.addAll(s.versions().values()));
        } else if (version == null) {
            picked.addAll(models.served(name).versions().values());
        } else {
            picked.add(models.peek(name, version));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ModelVersion mv : picked) {
            rows.add(row(mv));
        }
        return Json.ok(Map.of("model_stats", rows));
    }

    private static Map<String, Object> row(ModelVersion mv) {
        ModelStats s = mv.stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", mv.name());
        m.put("version", mv.version());
        m.put("last_inference", s.lastInferenceMillis());
        m.put("inference_count", s.inferenceCount.sum());
        m.put("execution_count", s.executionCount.sum());
        Map<String, Object> inf = new LinkedHashMap<>();
        inf.put("success", d(s.success));
        inf.put("fail", d(s.fail));
        inf.put("queue", d(s.queue));
        inf.put("compute_input", d(s.computeInput));
        inf.put("compute_infer", d(s.computeInfer));
        inf.put("compute_output", d(s.computeOutput));
        m.put("inference_stats", inf);
        List<Map<String, Object>> batches = new ArrayList<>();
        s.batches().forEach((size, b) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("batch_size", size);
            row.put("compute_input", d(b.computeInput));
            row.put("compute_infer", d(b.computeInfer));
            row.put("compute_output", d(b.computeOutput));
            batches.add(row);
        });
        m.put("batch_stats", batches);
        return m;
    }

    private static Map<String, Long> d(ModelStats.Duration x) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("count", x.count());
        m.put("ns", x.ns());
        return m;
    }
}
