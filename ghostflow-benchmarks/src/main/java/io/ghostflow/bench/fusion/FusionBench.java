package io.ghostflow.bench.fusion;

import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.tensor.Tensor;
import java.util.Arrays;

/**
 * Measures each fusion against the same graph unfused: one session at level NONE (standard
 * ops one by one) and one at level ALL (the optimizer's fused op), alternating runs so that
 * machine noise hits both alike, reporting medians. Checks the outputs agree before timing.
 *
 * <p>{@code java ... io.ghostflow.bench.fusion.FusionBench [threads] [runs]}
 */
public final class FusionBench {
    private FusionBench() {
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        System.out.printf("%-14s %-36s %12s %12s %8s  %s%n", "fusion", "shapes", "unfused ms", "fused ms", "speedup", "fused graph");
        for (FusionCase c : FusionCases.all()) {
            System.out.println(measure(c, threads, runs));
        }
    }

    static String measure(FusionCase c, int threads, int runs) {
        SessionOptions base = SessionOptions.defaults().withIntraOpThreads(threads);
        var model = c.model("y");
        try (InferenceSession plain = InferenceSession.of(model, base.withOptimizationLevel(OptimizationLevel.NONE));
             InferenceSession fused = InferenceSession.of(model, base.withOptimizationLevel(OptimizationLevel.ALL))) {
            double maxDiff = compare(plain, fused, c);
            double[] a = new double[runs];
            double[] b = new double[runs];
            for (int i = 0; i < 3; i++) {
                time(plain, c);
                time(fused, c);
            }
            for (int i = 0; i < runs; i++) {
                a[i] = time(plain, c);
                b[i] = time(fused, c);
            }
            double ma = median(a), mb = median(b);
            String graph = String.join(",", fused.model().graph().nodes().stream().map(n -> n.opType()).toList());
            return String.format(java.util.Locale.ROOT, "%-14s %-36s %12.3f %12.3f %7.2fx  %s (max diff %.2g)",
                    c.name, c.shape, ma, mb, ma / mb, graph, maxDiff);
        } catch (GhostFlowException e) {
            return String.format("%-14s %-36s skipped: %s", c.name, c.shape, e.getMessage());
        }
    }

    private static double compare(InferenceSession plain, InferenceSession fused, FusionCase c) {
        try (Result r1 = plain.run(c.feeds); Result r2 = fused.run(c.feeds)) {
            Tensor x = r1.get("y"), y = r2.get("y");
            double max = 0;
            for (int i = 0; i < x.size(); i++) {
                max = Math.max(max, Math.abs(x.getDouble(i) - y.getDouble(i)) / (1 + Math.abs(x.getDouble(i))));
            }
            if (max > 1e-3) {
                throw new IllegalStateException(c.name + ": fused result differs from unfused by " + max);
            }
            return max;
        }
    }

    private static double time(InferenceSession s, FusionCase c) {
        long t0 = System.nanoTime();
        try (Result r = s.run(c.feeds)) {
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
