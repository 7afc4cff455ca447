package io.ghostflow.bench.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ghostflow.onnx.OnnxFiles;
import io.ghostflow.onnx.TensorProtos;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.server.GhostFlowServer;
import io.ghostflow.server.ServerOptions;
import io.ghostflow.server.repository.ModelConfig;
import io.ghostflow.server.repository.ModelManager;
import io.ghostflow.server.stats.LatencyHistogram;
import io.ghostflow.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Load benchmark of the model server ({@code ghostflow-bench serve-load}): starts a local server
 * per model and batching setting, drives it with N keep-alive clients for T seconds over JSON
 * and over the binary tensor extension, and prints throughput, p50/p99 latency, errors and the
 * server overhead: the mean from the statistics extension (request time minus compute time) and
 * the median of the per-request overhead histogram (request time minus queue and compute) on /metrics.
 *
 * <p>Arguments: {@code [--models mlp_mnist,resnet18] [--seconds 10] [--concurrency 1,8,32]
 * [--modes json,binary] [--batching off,on] [--io-threads N] [--instances N] [--shared DIR]}.
 * {@code --instances N} runs N model instances, each with one intra-op thread (default: one
 * instance using every core for an image model), for batching on and off alike.
 */
public final class ServeLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static int ioThreads;
    private static int instances;
    private static final com.sun.management.OperatingSystemMXBean CPU =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private ServeLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        List<String> models = List.of(opt.getOrDefault("models", "mlp_mnist,resnet18").split(","));
        double seconds = Double.parseDouble(opt.getOrDefault("seconds", "10"));
        int[] conc = Arrays.stream(opt.getOrDefault("concurrency", "1,8,32").split(",")).mapToInt(Integer::parseInt).toArray();
        List<String> modes = List.of(opt.getOrDefault("modes", "json,binary").split(","));
        List<String> batching = List.of(opt.getOrDefault("batching", "off,on").split(","));
        Path shared = Path.of(opt.getOrDefault("shared", findShared().toString()));
        ioThreads = Integer.parseInt(opt.getOrDefault("io-threads", Integer.toString(ServerOptions.defaults().ioThreads())));
        instances = Integer.parseInt(opt.getOrDefault("instances", "1"));

        System.out.printf("%-10s %-8s %-7s %4s %12s %10s %10s %7s %14s %14s %11s %9s %11s %9s%n", "model", "batching", "mode", "c", "inf/s", "p50 us",
                "p99 us", "errors", "overhead us", "ovh p50 us", "compute us", "queue us", "cpu us/inf", "rows/run");
        for (String model : models) {
            for (String b : batching) {
                runModel(shared, model, b.equals("on"), modes, conc, seconds);
            }
        }
    }

    private static void runModel(Path shared, String model, boolean batch, List<String> modes, int[] conc, double seconds) throws Exception {
        Path file = shared.resolve("models").resolve(model).resolve("model.onnx");
        SessionOptions defaults = SessionOptions.defaults();
        InferenceSession probe = InferenceSession.load(file, defaults);
        ValueInfo in = probe.inputs().get(0);
        Tensor x = TensorProtos.toTensor(OnnxFiles.readTensor(file.getParent().resolve("test_data_set_0/input_0.pb")), file.getParent());
        boolean big = x.size() > 10_000;
        // a tiny model gains nothing from splitting one kernel over threads, and under concurrent
        // requests the hand-offs to helper threads cost more than the kernels themselves
        SessionOptions so = big && instances == 1 ? defaults : defaults.withIntraOpThreads(1);
        int maxBatch = big ? 8 : 32;
        ModelConfig cfg = ModelConfig.defaults(model).withBatching(batch ? maxBatch : 0, batch, big ? 2_000 : 300)
                .withInstances(instances);
        ModelManager mm = new ModelManager(null, so, Duration.ofSeconds(10));
        mm.register(cfg, Map.of(1L, v -> InferenceSession.load(file, so)));
        mm.loadAll();
        GhostFlowServer server = GhostFlowServer.start(ServerOptions.localFreePort().withIoThreads(ioThreads), mm);
        try {
            String path = "/v2/models/" + model + "/infer";
            for (String mode : modes) {
                byte[] req = mode.equals("binary") ? binaryRequest(path, in.name(), x) : jsonRequest(path, in.name(), x);
                run(server.port(), req, 8, Math.min(3.0, Math.max(1.0, seconds / 3))); // warm-up: let the JIT compile the hot path first
                for (int c : conc) {
                    long[] before = stats(server, model);
                    long[] ovh0 = overheadBuckets(server, model);
                    long[] rows0 = batchSizes(server, model);
                    long cpu0 = CPU.getProcessCpuTime();
                    Result r = run(server.port(), req, c, seconds);
                    long cpu1 = CPU.getProcessCpuTime();
                    long[] after = stats(server, model);
                    long[] ovh1 = overheadBuckets(server, model);
                    long[] rows1 = batchSizes(server, model);
                    for (int i = 0; i < ovh1.length; i++) {
                        ovh1[i] -= ovh0[i];
                    }
                    double overheadP50 = LatencyHistogram.quantileMicros(ovh1, 0.5);
                    // CPU time of this process (server and client) per inference: unlike throughput,
                    // barely moved by other processes competing for the same cores
                    double cpuUs = r.count == 0 ? 0 : (cpu1 - cpu0) / 1e3 / r.count;
                    long n = after[0] - before[0];
                    double overheadUs = n == 0 ? 0 : ((after[1] - before[1]) - (after[2] - before[2])) / 1e3 / n;
                    double computeUs = n == 0 ? 0 : (after[2] - before[2]) / 1e3 / n;
                    double queueUs = n == 0 ? 0 : (after[3] - before[3]) / 1e3 / n;
                    System.out.printf("%-10s %-8s %-7s %4d %12.1f %10.0f %10.0f %7d %14.1f %14.1f %11.1f %9.1f %11.1f %9.2f%n", model, batch ? "on" : "off",
                            mode, c, r.count / r.seconds, r.p50 / 1e3, r.p99 / 1e3, r.errors, overheadUs, overheadP50, computeUs, queueUs, cpuUs,
                            rows1[1] == rows0[1] ? 0.0 : (double) (rows1[0] - rows0[0]) / (rows1[1] - rows0[1]));
                }
            }
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
    }

    /** success count, success ns, compute_infer ns, queue ns of the model, from the statistics extension. */
    private static long[] stats(GhostFlowServer server, String model) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + "/v2/models/" + model + "/stats"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode s = JSON.readTree(r.body()).path("model_stats").get(0).path("inference_stats");
        return new long[] {s.path("success").path("count").asLong(), s.path("success").path("ns").asLong(),
                s.path("compute_infer").path("ns").asLong(), s.path("queue").path("ns").asLong()};
    }

    /**
     * Rows and runs of the model so far (the sum and count of the server's batch-size histogram):
     * their ratio over a load run shows whether the batcher forms full batches.
     */
    private static long[] batchSizes(GhostFlowServer server, String model) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String labels = "{model=\"" + model + "\",";
        long[] out = new long[2];
        r.body().lines().forEach(l -> {
            if (l.startsWith("ghostflow_batch_size_sum" + labels)) {
                out[0] += Long.parseLong(l.substring(l.lastIndexOf(' ') + 1));
            } else if (l.startsWith("ghostflow_batch_size_count" + labels)) {
                out[1] += Long.parseLong(l.substring(l.lastIndexOf(' ') + 1));
            }
        });
        return out;
    }

    /**
     * Per-bucket counts of the server's per-request overhead histogram (request time minus queue
     * and compute time) for the model, from the Prometheus endpoint: its cumulative buckets are
     * turned back into per-bucket counts, overflow last.
     */
    private static long[] overheadBuckets(GhostFlowServer server, String model) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String prefix = "ghostflow_inference_request_overhead_us_bucket{model=\"" + model + "\",";
        long[] cumulative = r.body().lines().filter(l -> l.startsWith(prefix))
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).toArray();
        long[] perBucket = new long[cumulative.length];
        for (int i = 0; i < cumulative.length; i++) {
            perBucket[i] = cumulative[i] - (i == 0 ? 0 : cumulative[i - 1]);
        }
        return perBucket;
    }

    private record Result(long count, long errors, double seconds, long p50, long p99) {
    }

    private static Result run(int port, byte[] req, int clients, double seconds) throws Exception {
        NioLoadClient.Outcome o = NioLoadClient.run(port, req, clients, seconds);
        long[] all = o.latencies();
        Arrays.sort(all);
        int total = all.length;
        long p50 = total == 0 ? 0 : all[total / 2];
        long p99 = total == 0 ? 0 : all[Math.min(total - 1, (int) (total * 0.99))];
        return new Result(total, o.errors(), o.seconds(), p50, p99);
    }

    private static byte[] jsonRequest(String path, String input, Tensor x) {
        StringBuilder sb = new StringBuilder("{\"inputs\":[{\"name\":\"").append(input).append("\",\"shape\":")
                .append(Arrays.toString(x.shape()).replace(" ", "")).append(",\"datatype\":\"FP32\",\"data\":[");
        float[] f = x.floats();
        for (int i = 0; i < f.length; i++) {
            sb.append(i > 0 ? "," : "").append(f[i]);
        }
        sb.append("]}]}");
        return NioLoadClient.request(path, "127.0.0.1", sb.toString().getBytes(StandardCharsets.UTF_8), null);
    }

    private static byte[] binaryRequest(String path, String input, Tensor x) throws Exception {
        float[] f = x.floats();
        byte[] header = ("{\"inputs\":[{\"name\":\"" + input + "\",\"shape\":" + Arrays.toString(x.shape()).replace(" ", "")
                + ",\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":" + f.length * 4 + "}}],"
                + "\"parameters\":{\"binary_data_output\":true}}").getBytes(StandardCharsets.UTF_8);
        ByteBuffer bb = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : f) {
            bb.putFloat(v);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header);
        out.write(bb.array());
        return NioLoadClient.request(path, "127.0.0.1", out.toByteArray(), "Inference-Header-Content-Length: " + header.length);
    }

    private static Path findShared() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("../shared/models"))) {
                return p.resolve("../shared").normalize();
            }
            p = p.getParent();
        }
        return Path.of("../shared");
    }
}
