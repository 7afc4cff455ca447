package io.ghostflow.bench.peer;

import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The other half of {@link OpProfile}: where ONNX Runtime's time goes on the same model, from its
 * own profiler (kernel time per node, ALL_OPT, one inter-op thread), so the two can be compared
 * op by op. ONNX Runtime names the nodes it rewrites after their outputs (for example
 * {@code .../Relu_output_0_nchwc} for a convolution it fused with its ReLU and moved to the blocked
 * NCHWc layout), so rows match GhostFlow's by position and shape rather than by name. Warm-up runs
 * are profiled too (the profiler is on from session creation); their events are skipped per node.
 * Usage: {@code java -cp ... io.ghostflow.bench.peer.OrtOpProfile THREADS ITERS MODEL_DIR...};
 * {@code -Dprofile.nodes=true} prints one row per node in execution order instead of per op type.
 */
public final class OrtOpProfile {
    private static final boolean PER_NODE = Boolean.getBoolean("profile.nodes");
    private static final int WARMUP_RUNS = 50;
    /** One node's kernel event in ORT's profile JSON (one event per line): duration (us), node name, op type. */
    private static final Pattern KERNEL_EVENT = Pattern.compile(
            "\"dur\"\\s*:\\s*(\\d+)[^\\n]*?\"name\"\\s*:\\s*\"([^\"]+)_kernel_time\"[^\\n]*?\"op_name\"\\s*:\\s*\"([^\"]+)\"");

    private OrtOpProfile() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int iters = Integer.parseInt(args[1]);
        Path profiles = Files.createTempDirectory("ort-profile");
        for (int a = 2; a < args.length; a++) {
            Path dir = Path.of(args[a]);
            Path file = Files.isDirectory(dir) ? dir.resolve("model.onnx") : dir;
            Map<String, Tensor> feeds;
            try (InferenceSession gf = InferenceSession.load(file, SessionOptions.defaults())) {
                feeds = ModelInputs.random(file, gf.inputs(), 1, 42);
            }
            String json;
            long wall;
            try (OrtRunner ort = new OrtRunner(file, threads, profiles.resolve("ort"))) {
                ort.setInputs(feeds);
                for (int i = 0; i < WARMUP_RUNS; i++) {
                    ort.run();
                }
                long w0 = System.nanoTime();
                for (int i = 0; i < iters; i++) {
                    ort.run();
                }
                wall = System.nanoTime() - w0;
                Path written = ort.endProfiling();
                json = Files.readString(written);
                Files.delete(written);
            }
            System.out.printf("%s: %.3f wall-ms/run (ONNX Runtime, profiling on)%n", dir.getFileName(), wall / 1e6 / iters);
            print(aggregate(json, WARMUP_RUNS, PER_NODE), iters);
        }
        Files.deleteIfExists(profiles);
    }

    /**
     * Kernel time per op type (or per node and op type, in order of first appearance): [total us,
     * events counted], skipping each node's first skipPerNode events (the warm-up runs).
     */
    static Map<String, long[]> aggregate(String json, int skipPerNode, boolean perNode) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        Map<String, long[]> rows = new LinkedHashMap<>();
        Matcher m = KERNEL_EVENT.matcher(json);
        while (m.find()) {
            String node = m.group(2);
            int occurrence = seen.merge(node, 1, Integer::sum);
            if (occurrence <= skipPerNode) {
                continue;
            }
            String key = perNode ? node + " " + m.group(3) : m.group(3);
            long[] acc = rows.computeIfAbsent(key, k -> new long[2]);
            acc[0] += Long.parseLong(m.group(1));
            acc[1]++;
        }
        return rows;
    }

    private static void print(Map<String, long[]> rows, int iters) {
        var ordered = rows.entrySet().stream()
                .sorted(PER_NODE ? (x, y) -> 0 : (x, y) -> Long.compare(y.getValue()[0], x.getValue()[0])).toList();
        long total = 0;
        for (var e : ordered) {
            total += e.getValue()[0];
            System.out.printf("  %-24s %9.3f ms/run  %5d nodes%n", e.getKey(), e.getValue()[0] / 1e3 / iters,
                    e.getValue()[1] / iters);
        }
        System.out.printf("  kernel time in all: %.3f ms/run%n", total / 1e3 / iters);
    }
}
