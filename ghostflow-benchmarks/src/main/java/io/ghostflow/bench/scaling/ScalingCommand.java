package io.ghostflow.bench.scaling;

import io.ghostflow.bench.peer.ModelInputs;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ghostflow-bench scaling}: a 1-thread and a T-thread session of the same model, run
 * alternately in one JVM, so that both see the same moments of a shared machine's load (runs
 * minutes apart on these hosts differ by up to 1.6x). Prints the median of whole runs of each and
 * their ratio, the median CPU time per run over all the threads each session computes on (spin-waits
 * included), and with {@code --nodes} the median per node. Run by run (the default), every run of
 * the T-thread session starts with its helpers parked during the other session's run (tens of
 * microseconds to wake on a virtual machine) and its caches filled by that run, as for a server's
 * sporadic requests; {@code --block N} alternates blocks of N runs instead, so that runs follow one
 * another as under steady traffic.
 */
@Command(name = "scaling", description = "Speedup of T intra-op threads over 1, sessions alternated (run by run, or in blocks) in one JVM.")
public final class ScalingCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL_DIR_OR_ONNX", description = "the model")
    Path model;

    @Option(names = "--threads", defaultValue = "2", description = "threads of the second session (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--iters", defaultValue = "40", description = "timed runs of each session (default ${DEFAULT-VALUE})")
    int iters;

    @Option(names = "--warmup", defaultValue = "20", description = "untimed runs of each session first (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--nodes", description = "also print the median time of every node")
    boolean nodes;

    @Option(names = "--block", defaultValue = "1", description = "runs of one session before switching to the other"
            + " (default ${DEFAULT-VALUE}: run by run); --iters is rounded up to a multiple of it")
    int block;

    @Override
    public Integer call() {
        Path file = Files.isDirectory(model) ? model.resolve("model.onnx") : model;
        InferenceSession[] sessions = {
            InferenceSession.load(file, SessionOptions.defaults().withIntraOpThreads(1)),
            InferenceSession.load(file, SessionOptions.defaults().withIntraOpThreads(threads)),
        };
        Map<String, Tensor> feeds = ModelInputs.random(file, sessions[0].inputs(), 1, 42);
        List<String> outputs = sessions[0].outputs().stream().map(v -> v.name()).toList();
        for (int i = 0; i < 2 * warmup; i++) {
            sessions[i % 2].run(feeds).close();
        }
        int perBlock = Math.max(1, block);
        int runs = (iters + perBlock - 1) / perBlock * perBlock;
        long[][] whole = new long[2][runs];
        // CPU time per run of every thread the session computes on: the caller and the intra-op helpers
        long[][] cpu = new long[2][runs];
        List<Thread> helpers = helpers(threads);
        Map<String, long[][]> perNode = new LinkedHashMap<>();
        for (int i = 0; i < 2 * runs; i++) {
            int s = session(i, perBlock);
            int it = index(i, perBlock);
            long cpu0 = cpuTime(s == 0 ? List.of() : helpers);
            long[] last = {System.nanoTime()};
            long start = last[0];
            try (Result r = sessions[s].run(feeds, outputs, nodes ? (node, t0, d, in, out) -> {
                long now = System.nanoTime();
                perNode.computeIfAbsent(node.name() + " " + node.opType(), k -> new long[2][runs])[s][it] = now - last[0];
                last[0] = now;
            } : null)) {
                whole[s][it] = System.nanoTime() - start;
            }
            cpu[s][it] = cpuTime(s == 0 ? List.of() : helpers) - cpu0;
        }
        for (var e : perNode.entrySet()) {
            double one = median(e.getValue()[0]);
            double many = median(e.getValue()[1]);
            System.out.printf("  %-60s 1t %9.1f us  %dt %9.1f us  x%.2f%n", e.getKey(), one / 1e3, threads, many / 1e3, one / many);
        }
        double one = median(whole[0]);
        double many = median(whole[1]);
        // CPU time per run over every thread a session computes on (the caller and the intra-op helpers;
        // spin-waits count): against 1t_cpu, what the second core cost, in parallel overhead and waiting.
        System.out.printf("%s 1t_p50_ms=%.2f %dt_p50_ms=%.2f speedup=%.2f 1t_cpu_p50_ms=%.2f %dt_cpu_p50_ms=%.2f%s%n",
                model.getFileName(), one / 1e6, threads, many / 1e6, one / many, median(cpu[0]) / 1e6, threads,
                median(cpu[1]) / 1e6, perBlock > 1 ? " block=" + perBlock : "");
        for (InferenceSession s : sessions) {
            s.close();
        }
        return 0;
    }

    /** The session (0: one thread, 1: T) of the i-th timed run, the two alternating in blocks of perBlock runs. */
    static int session(int i, int perBlock) {
        return i / perBlock % 2;
    }

    /** Which of its session's timed runs the i-th run overall is. */
    static int index(int i, int perBlock) {
        return i / (2 * perBlock) * perBlock + i % perBlock;
    }

    /** The intra-op helper threads of the team for {@code threads} (fewer when the machine has fewer cores). */
    private static List<Thread> helpers(int threads) {
        String prefix = "ghostflow-intra-op-" + Math.min(threads, Runtime.getRuntime().availableProcessors()) + "-";
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).toList();
    }

    /** CPU time of the calling thread and of the given threads, in nanoseconds. */
    private static long cpuTime(List<Thread> others) {
        long sum = CPU.getCurrentThreadCpuTime();
        for (Thread t : others) {
            sum += CPU.getThreadCpuTime(t.threadId());
        }
        return sum;
    }

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
