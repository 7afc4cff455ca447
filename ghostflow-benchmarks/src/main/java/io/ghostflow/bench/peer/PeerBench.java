package io.ghostflow.bench.peer;

import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The same models through GhostFlow and ONNX Runtime in one JVM, same threads, same inputs,
 * timed alternately (run by run on one thread, in blocks of runs on several) so that both see the
 * same machine state. Prints one row per model and the
 * geometric mean of the latency ratios (GhostFlow / ONNX Runtime; below 1 means faster).
 */
@Command(name = "peer", description = "Compare GhostFlow with ONNX Runtime (Java) on the same models.")
public final class PeerBench implements Callable<Integer> {
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    private static final long WARMUP_NANOS = 3_000_000_000L;

    @Option(names = "--threads", defaultValue = "1", description = "intra-op threads for both engines (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--iters", defaultValue = "50", description = "timed runs per engine (default ${DEFAULT-VALUE})")
    int iters;

    @Option(names = "--warmup", defaultValue = "10",
            description = "untimed runs per engine first, and at least 3 s of them (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--batch", defaultValue = "1", description = "batch size for symbolic batch dimensions (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--loads", defaultValue = "3",
            description = "timed loads per engine and model after a first one, alternating; load_ratio compares their medians (default ${DEFAULT-VALUE})")
    int loads;

    @Parameters(arity = "1..*", paramLabel = "MODEL_DIR_OR_ONNX")
    List<Path> models;

    @Override
    public Integer call() throws Exception {
        System.out.printf("# peer benchmark: threads=%d batch=%d iters=%d warmup=%d cores=%d java=%s%n", threads, batch, iters, warmup,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        double logSum = 0;
        int n = 0;
        for (Path m : models) {
            Path file = Files.isDirectory(m) ? m.resolve("model.onnx") : m;
            String name = Files.isDirectory(m) ? m.getFileName().toString() : file.getFileName().toString().replace(".onnx", "");
            try {
                double ratio = benchOne(name, file);
                logSum += Math.log(ratio);
                n++;
            } catch (Exception | Error e) {
                System.out.println(name + " error=" + e.toString().replace('\n', ' '));
            }
        }
        System.out.printf("geomean ratio=%.3f over %d models%n", n == 0 ? Double.NaN : Math.exp(logSum / n), n);
        return 0;
    }

    private double benchOne(String name, Path file) throws Exception {
        SessionOptions opts = SessionOptions.defaults().withIntraOpThreads(threads);
        // One load of each is at the mercy of whatever else the 2 cores are doing (the JIT compiling
        // the previous model's kernels, a GC): resnet18 gave load ratios from 0.04 to 1.0 in one hour.
        // Each engine loads the model `loads` times, alternating; the last sessions are the ones timed.
        // A first load of each comes before them and is reported on its own (first_load_ratio): in a
        // fresh JVM it includes the engines' one-time start (class loading and the JIT for GhostFlow,
        // the native library for ONNX Runtime: resnet18 first in a JVM 392 against 227 ms, the loads
        // after it 21-72 against 34-73 ms), which the timed median otherwise caught or not depending
        // on the model's place in the list.
        long[] gfLoads = new long[Math.max(1, loads) + 1];
        long[] ortLoads = new long[gfLoads.length];
        InferenceSession loadedGf = null;
        OrtRunner loadedOrt = null;
        for (int i = 0; i < gfLoads.length; i++) {
            if (loadedGf != null) {
                loadedGf.close();
                loadedOrt.close();
            }
            long t0 = System.nanoTime();
            loadedGf = InferenceSession.load(file, opts);
            gfLoads[i] = System.nanoTime() - t0;
            t0 = System.nanoTime();
            loadedOrt = new OrtRunner(file, threads);
            ortLoads[i] = System.nanoTime() - t0;
        }
        double firstLoadRatio = (double) gfLoads[0] / Math.max(1, ortLoads[0]);
        gfLoads = Arrays.copyOfRange(gfLoads, 1, gfLoads.length);
        ortLoads = Arrays.copyOfRange(ortLoads, 1, ortLoads.length);
        double loadRatio = p50(gfLoads) / Math.max(1, p50(ortLoads));
        InferenceSession gf = loadedGf;
        OrtRunner ort = loadedOrt;
        try (gf; ort) {
            Map<String, Tensor> feeds = ModelInputs.random(file, gf.inputs(), batch, 42);
            ort.setInputs(feeds);
            String agreement = agreement(gf, feeds, ort.run());
            // Warm-up: at least --warmup runs each and at least WARMUP_NANOS of GhostFlow runs, so the
            // JIT has compiled the hot loops (C2 needs thousands of iterations; native ORT needs none).
            // A tiny model calls some kernels only once or twice per run, so the cap on runs is high.
            long warmStart = System.nanoTime();
            for (int i = 0; i < warmup || (System.nanoTime() - warmStart < WARMUP_NANOS && i < 100_000); i++) {
                runGf(gf, feeds);
                ort.run();
            }
            long[] gfTimes = new long[iters];
            long[] ortTimes = new long[iters];
            long[] gfCpu = new long[iters];
            long[] ortCpu = new long[iters];
            // With helper threads the engines alternate in blocks of runs, each opened by untimed runs of
            // the engine about to be timed: idle workers spin after a run (ONNX Runtime's by default, for
            // milliseconds; GhostFlow's for 100 us), and run for run ONNX Runtime's spinning workers shared
            // the cores with GhostFlow's timed run (resnet18 on 2 threads: 45-51 ms interleaved, 27-28 ms
            // in blocks; lenet_bn 0.30 ms after 20 ms of untimed runs, 0.05 ms after 100 ms). ONNX Runtime
            // keeps its default spinning, which makes it faster (mobilenet_v2_bn 6.4-6.9 against 8.2 ms off).
            int block = threads > 1 ? MULTI_THREAD_BLOCK : 1;
            for (int i = 0; i < iters; i += block) {
                int n = Math.min(block, iters - i);
                if (threads > 1) {
                    untimed(() -> runGf(gf, feeds));
                }
                for (int j = i; j < i + n; j++) {
                    long c = CPU.getCurrentThreadCpuTime();
                    long s = System.nanoTime();
                    runGf(gf, feeds);
                    gfTimes[j] = System.nanoTime() - s;
                    gfCpu[j] = CPU.getCurrentThreadCpuTime() - c;
                }
                if (threads > 1) {
                    untimed(ort::run);
                }
                for (int j = i; j < i + n; j++) {
                    long c = CPU.getCurrentThreadCpuTime();
                    long s = System.nanoTime();
                    ort.run();
                    ortTimes[j] = System.nanoTime() - s;
                    ortCpu[j] = CPU.getCurrentThreadCpuTime() - c;
                }
            }
            double gfP50 = p50(gfTimes) / 1e6;
            double ortP50 = p50(ortTimes) / 1e6;
            double ratio = gfP50 / ortP50;
            // With one thread both engines compute on the calling thread, so its CPU time is a
            // second measure that ignores time spent descheduled on a shared machine.
            String cpu = threads == 1 ? String.format(" gf_cpu_p50_ms=%.4f ort_cpu_p50_ms=%.4f cpu_ratio=%.3f",
                    p50(gfCpu) / 1e6, p50(ortCpu) / 1e6, p50(gfCpu) / Math.max(1, p50(ortCpu))) : "";
            // The fastest run of each: what both engines reach when the shared host leaves the core alone
            // (a p50 ratio far above the min ratio means this engine lost more to the host than the other).
            String best = String.format(" min_ratio=%.3f", (double) min(gfTimes) / Math.max(1, min(ortTimes)));
            System.out.printf("%s ghostflow_p50_ms=%.4f ort_p50_ms=%.4f ratio=%.3f load_ratio=%.3f%s%s"
                    + " first_load_ratio=%.3f%s%n", name, gfP50, ortP50, ratio, loadRatio, cpu, best, firstLoadRatio,
                    agreement);
            return ratio;
        }
    }

    private static void runGf(InferenceSession s, Map<String, Tensor> feeds) {
        try (Result r = s.run(feeds)) {
            r.size();
        }
    }

    /** "" when every float output agrees within rtol 1e-3 / atol 1e-4, else a note for the row. */
    private static String agreement(InferenceSession gf, Map<String, Tensor> feeds, List<float[]> ortOut) {
        try (Result r = gf.run(feeds)) {
            double worst = 0;
            for (int k = 0; k < r.size() && k < ortOut.size(); k++) {
                Value v = r.value(r.names().get(k));
                float[] b = ortOut.get(k);
                if (!(v instanceof Tensor t) || b.length == 0 || !t.dtype().isFloatingPoint()) {
                    continue;
                }
                float[] a = t.asFloats();
                if (a.length != b.length) {
                    return " outputs_differ(output " + k + " has " + a.length + " values vs " + b.length + ")";
                }
                for (int i = 0; i < a.length; i++) {
                    double d = Math.abs(a[i] - b[i]);
                    if (d > 1e-4 + 1e-3 * Math.abs(b[i])) {
                        worst = Math.max(worst, d);
                    }
                }
            }
            return worst > 0 ? String.format(" outputs_differ(max_abs=%.3g)", worst) : "";
        }
    }

    private static long min(long[] times) {
        return Arrays.stream(times).min().orElse(0);
    }

    /** Timed runs per engine between switches when the engines use helper threads. */
    private static final int MULTI_THREAD_BLOCK = 10;
    /** Untimed runs of the engine about to be timed, for at least this long after a switch. */
    private static final long SWITCH_NANOS = Long.getLong("peer.switchMillis", 100) * 1_000_000L;

    /** One step of a benchmark loop that may throw (ONNX Runtime's run does). */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** Runs {@code step} untimed for at least {@link #SWITCH_NANOS}. */
    private static void untimed(Step step) throws Exception {
        long until = System.nanoTime() + SWITCH_NANOS;
        do {
            step.run();
        } while (System.nanoTime() < until);
    }

    private static double p50(long[] times) {
        long[] s = times.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

}
