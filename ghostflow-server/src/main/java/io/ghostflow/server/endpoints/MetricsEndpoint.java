package io.ghostflow.server.endpoints;

import io.ghostflow.server.http.Response;
import io.ghostflow.server.repository.ModelManager;
import io.ghostflow.server.repository.ModelVersion;
import io.ghostflow.server.stats.LatencyHistogram;
import io.ghostflow.server.stats.ModelStats;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/** Prometheus text exposition (format 0.0.4) of every served version's counters. */
public final class MetricsEndpoint {
    private static final int[] BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256};
    private final ModelManager models;

    public MetricsEndpoint(ModelManager models) {
        this.models = models;
    }

    public Response metrics() {
        List<ModelVersion> all = new ArrayList<>();
        new TreeMap<>(models.models()).values().forEach(s -> all.addAll(s.versions().values()));
        StringBuilder sb = new StringBuilder(4096);
        counter(sb, all, "ghostflow_inference_request_success_total", "Successful inference requests", s -> s.success.count());
        counter(sb, all, "ghostflow_inference_request_failure_total", "Failed inference requests", s -> s.fail.count());
        counter(sb, all, "ghostflow_inference_count_total", "Inferences performed (a batch of n counts n)", s -> s.inferenceCount.sum());
        counter(sb, all, "ghostflow_inference_exec_count_total", "Model executions (a batch counts once)", s -> s.executionCount.sum());
        counter(sb, all, "ghostflow_inference_request_duration_us_total", "Cumulative end-to-end request time of successful requests",
                s -> s.success.ns() / 1000);
        counter(sb, all, "ghostflow_inference_queue_duration_us_total", "Cumulative time requests waited in the queue", s -> s.queue.ns() / 1000);
        counter(sb, all, "ghostflow_inference_compute_input_duration_us_total", "Cumulative input stacking time", s -> s.computeInput.ns() / 1000);
        counter(sb, all, "ghostflow_inference_compute_infer_duration_us_total", "Cumulative model execution time", s -> s.computeInfer.ns() / 1000);
        counter(sb, all, "ghostflow_inference_compute_output_duration_us_total", "Cumulative output splitting time", s -> s.computeOutput.ns() / 1000);
        sb.append("# HELP ghostflow_batch_size Rows per model execution\n# TYPE ghostflow_batch_size histogram\n");
        for (ModelVersion mv : all) {
            String labels = labels(mv);
            long sum = 0;
            var batches = mv.stats().batches();
            long total = 0;
            for (var e : batches.entrySet()) {
                long c = e.getValue().computeInfer.count();
                total += c;
                sum += c * e.getKey();
            }
            for (int le : BUCKETS) {
                long cumulative = 0;
                for (var e : batches.headMap(le, true).values()) {
                    cumulative += e.computeInfer.count();
                }
                sb.append("ghostflow_batch_size_bucket{").append(labels).append(",le=\"").append(le).append("\"} ").append(cumulative).append('\n');
            }
            sb.append("ghostflow_batch_size_bucket{").append(labels).append(",le=\"+Inf\"} ").append(total).append('\n');
            sb.append("ghostflow_batch_size_sum{").append(labels).append("} ").append(sum).append('\n');
            sb.append("ghostflow_batch_size_count{").append(labels).append("} ").append(total).append('\n');
        }
        overheadHistogram(sb, all);
        return Response.text(200, "text/plain; version=0.0.4; charset=utf-8", sb.toString());
    }

    /** Per-request server overhead: end-to-end time minus the time in the batcher (queue and compute). */
    private static void overheadHistogram(StringBuilder sb, List<ModelVersion> all) {
        String name = "ghostflow_inference_request_overhead_us";
        sb.append("# HELP ").append(name).append(" Request time minus queue and compute time, per successful request\n");
        sb.append("# TYPE ").append(name).append(" histogram\n");
        long[] bounds = LatencyHistogram.boundsMicros();
        for (ModelVersion mv : all) {
            String labels = labels(mv);
            long[] counts = mv.stats().overhead.counts();
            long cumulative = 0;
            for (int i = 0; i < bounds.length; i++) {
                cumulative += counts[i];
                sb.append(name).append("_bucket{").append(labels).append(",le=\"").append(bounds[i]).append("\"} ").append(cumulative).append('\n');
            }
            cumulative += counts[bounds.length];
            sb.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(cumulative).append('\n');
            sb.append(name).append("_sum{").append(labels).append("} ").append(mv.stats().overhead.sumNanos() / 1000).append('\n');
            sb.append(name).append("_count{").append(labels).append("} ").append(cumulative).append('\n');
        }
    }

    private static void counter(StringBuilder sb, List<ModelVersion> all, String name, String help, ToLongFunction<ModelStats> f) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n");
        for (ModelVersion mv : all) {
            sb.append(name).append('{').append(labels(mv)).append("} ").append(f.applyAsLong(mv.stats())).append('\n');
        }
    }

    private static String labels(ModelVersion mv) {
        return "model=\"" + mv.name().replace("\\", "\\\\").replace("\"", "\\\"") + "\",version=\"" + mv.version() + "\"";
    }
}
