package io.ghostflow.runtime.warmup;

import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.tensor.Value;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Runs a session repeatedly and reports latency statistics. The first runs of a JVM are slow
 * (class loading, JIT); callers warm up with one call and measure with the next.
 */
public final class Warmup {
    private Warmup() {
    }

    public static WarmupStats run(InferenceSession session, Map<String, ? extends Value> feeds, int runs) {
        return run(session, feeds, runs, i -> { });
    }

    /** @param progress called after each run with the number of runs done */
    public static WarmupStats run(InferenceSession session, Map<String, ? extends Value> feeds, int runs, IntConsumer progress) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1, was " + runs);
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            try (Result r = session.run(feeds)) {
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            progress.accept(i + 1);
        }
        return WarmupStats.of(ms);
    }
}
