package io.ghostflow.bench.peer;

import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a model's time goes: total time per op type over repeated runs (after warm-up), and the
 * heap bytes the running thread allocates per run. A diagnostic for kernel work, not a benchmark
 * of record. Usage: {@code java -cp ... io.ghostflow.bench.peer.OpProfile THREADS ITERS MODEL_DIR...}
 */
public final class OpProfile {
    private OpProfile() {
    }

    /** -Dprofile.nodes=true: one row per node (name, op, input and output shapes) in execution order. */
    private static final boolean PER_NODE = Boolean.getBoolean("profile.nodes");

    /** -Dprofile.batch=B: feed B images per run (times stay per run; divide by B for per image). */
    private static final int BATCH = Integer.getInteger("profile.batch", 1);

    private static String shapeOf(Value[] values) {
        StringBuilder b = new StringBuilder();
        for (Value v : values) {
            if (v instanceof Tensor t) {
                b.append(java.util.Arrays.toString(t.shape()).replace(" ", ""));
            }
        }
        return b.toString();
    }

    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]);
        int iters = Integer.parseInt(args[1]);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int a = 2; a < args.length; a++) {
            Path dir = Path.of(args[a]);
            Path file = Files.isDirectory(dir) ? dir.resolve("model.onnx") : dir;
            InferenceSession s = InferenceSession.load(file, SessionOptions.defaults().withIntraOpThreads(threads));
            Map<String, Tensor> feeds = ModelInputs.random(file, s.inputs(), BATCH, 42);
            // Warm up for at least two seconds: a small model does thousands of runs before C2 has
            // compiled its kernels, and 20 runs would leave the profile dominated by interpreted code.
            long warmEnd = System.nanoTime() + 2_000_000_000L;
            for (int i = 0; i < 20 || System.nanoTime() < warmEnd; i++) {
                s.run(feeds).close();
            }
            Map<String, long[]> perOp = new LinkedHashMap<>();
            long tid = Thread.currentThread().threadId();
            long before = mx.getThreadAllocatedBytes(tid);
            // -Dprofile.ort=true interleaves ONNX Runtime runs (as the peer bench does) to see their effect, per node too:
            // each run then starts with the caches holding ONNX Runtime's data, not its own.
            OrtRunner ort = null;
            if (Boolean.getBoolean("profile.ort")) {
                try {
                    ort = new OrtRunner(file, threads);
                    ort.setInputs(feeds);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            long w0 = System.nanoTime();
            long gfCpu = 0;
            for (int i = 0; i < iters; i++) {
                long c0 = mx.getCurrentThreadCpuTime();
                s.run(feeds).close();
                gfCpu += mx.getCurrentThreadCpuTime() - c0;
                if (ort != null) {
                    try {
                        ort.run();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            long wall = System.nanoTime() - w0;
            System.out.printf("  gf cpu-ms/run in the plain loop%s: %.3f%n", ort != null ? " (with ORT runs between)" : "", gfCpu / 1e6 / iters);
            long t0 = mx.getCurrentThreadCpuTime();
            long[] lastCpu = {0, 0};
            List<String> outs = s.outputs().stream().map(v -> v.name()).toList();
            for (int i = 0; i < iters; i++) {
                lastCpu[0] = mx.getCurrentThreadCpuTime();
                lastCpu[1] = mx.getThreadAllocatedBytes(tid);
                // CPU time of the calling thread (robust on a shared machine; exact only at 1 thread).
                try (Result r = s.run(feeds, outs, (node, st, d, in, out) -> {
                    long now = mx.getCurrentThreadCpuTime();
                    long bytes = mx.getThreadAllocatedBytes(tid);
                    String key = PER_NODE ? node.name() + " " + node.opType() + " " + shapeOf(in) + " -> " + shapeOf(out)
                            : node.opType();
                    long[] acc = perOp.computeIfAbsent(key, k -> new long[3]);
                    acc[0] += now - lastCpu[0];
                    acc[1]++;
                    acc[2] += bytes - lastCpu[1];
                    lastCpu[0] = now;
                    lastCpu[1] = bytes;
                })) {
                    r.size();
                }
                if (ort != null) {
                    try {
                        ort.run();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            long total = mx.getCurrentThreadCpuTime() - t0;
            long alloc = mx.getThreadAllocatedBytes(tid) - before;
            System.out.printf("%s: %.3f wall-ms/run (no listener), %.3f cpu-ms/run, %d bytes allocated/run (caller thread)%n",
                    dir.getFileName(), wall / 1e6 / iters, total / 1e6 / iters, alloc / iters);
            List<Map.Entry<String, long[]>> rows = perOp.entrySet().stream()
                    .sorted(PER_NODE ? (x, y) -> 0 : (x, y) -> Long.compare(y.getValue()[0], x.getValue()[0])).toList();
            for (var e : rows) {
                System.out.printf("  %-24s %9.3f ms/run  %5d nodes  %9d B/run%n", e.getKey(), e.getValue()[0] / 1e6 / iters,
                        e.getValue()[1] / iters, e.getValue()[2] / iters);
            }
            s.close();
        }
    }
}
