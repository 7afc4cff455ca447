package io.ghostflow.cli.tools;

import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.ModelLoader;
import io.ghostflow.runtime.plan.MemoryPlanner;
import io.ghostflow.runtime.warmup.Warmup;
import io.ghostflow.runtime.warmup.WarmupStats;
import io.ghostflow.tensor.Tensor;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ghostflow bench}: latency of one model in GhostFlow on placeholder inputs. */
@Command(name = "bench", description = "Time a model on placeholder inputs and print latency statistics.")
public final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "the .onnx file")
    Path model;

    @Option(names = "--threads", description = "intra-op threads (default: all cores)")
    Integer threads;

    @Option(names = "--batch", defaultValue = "1", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seq", defaultValue = "128", description = "value of other symbolic dims (default ${DEFAULT-VALUE})")
    int seq;

    @Option(names = "--iters", defaultValue = "50", description = "measured runs (default ${DEFAULT-VALUE})")
    int iters;

    @Option(names = "--warmup", defaultValue = "5", description = "unmeasured runs first (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--level", defaultValue = "all", description = "optimization level (default ${DEFAULT-VALUE})")
    String level;

    @Option(names = "--profile", paramLabel = "FILE", description = "write a Chrome trace of the measured runs")
    Path profile;

    @Option(names = "--dim", paramLabel = "NAME=N", description = "fix a symbolic dim (repeatable)")
    Map<String, Integer> dims = new HashMap<>();

    @Override
    public Integer call() {
        Model m = ModelLoader.load(model);
        Map<String, Integer> free = DummyInputs.freeDims(m.graph().requiredInputs(), batch, seq, dims);
        SessionOptions base = SessionOptions.defaults().withFreeDimensions(free)
                .withOptimizationLevel(SessionOptions.OptimizationLevel.valueOf(level.toUpperCase(java.util.Locale.ROOT)));
        if (threads != null) {
            base = base.withIntraOpThreads(threads);
        }
        Map<String, Tensor> feeds;
        try (InferenceSession s = InferenceSession.of(m, base)) {
            feeds = DummyInputs.make(s.inputs(), batch, seq, free);
            System.out.println(model + ": batch " + batch + ", dims " + free + ", " + base.intraOpThreads() + " threads, level " + level);
            System.out.println(MemoryPlanner.measure(s, feeds).summary());
            if (warmup > 0) {
                Warmup.run(s, feeds, warmup);
            }
        }
        SessionOptions opts = profile == null ? base : base.withProfileFile(profile);
        try (InferenceSession s = InferenceSession.of(m, opts)) {
            WarmupStats stats = Warmup.run(s, feeds, iters, done -> progress(System.err, done, iters));
            System.err.println();
            System.out.println(stats.summary());
            System.out.printf(java.util.Locale.ROOT, "throughput: %.1f samples/s%n", batch * 1000 / stats.mean());
        }
        if (profile != null) {
            System.out.println("trace written to " + profile);
        }
        return 0;
    }

    private static void progress(PrintStream err, int done, int total) {
        int width = 30;
        int filled = (int) ((long) done * width / total);
        err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
        err.flush();
    }
}
