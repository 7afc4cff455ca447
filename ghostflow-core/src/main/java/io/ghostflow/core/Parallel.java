package io.ghostflow.core;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Intra-op parallelism. One shared {@link ForkJoinPool} per thread count, so sessions with the
 * same setting share workers instead of each spawning its own. Work is split into at most
 * {@code threads} contiguous chunks; with one thread, or little work, it runs inline on the
 * caller so tiny ops pay no hand-off.
 */
public final class Parallel {
    /** A half-open range [start, end) of work items. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static final ForkJoinPool[] POOLS = new ForkJoinPool[257];
    /** Set while a caller thread runs its own chunk: nested forRange calls there run inline, as in workers. */
    private static final ThreadLocal<boolean[]> INSIDE = ThreadLocal.withInitial(() -> new boolean[1]);

    private Parallel() {
    }

    public static int availableThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    public static synchronized ForkJoinPool pool(int threads) {
        int t = Math.max(1, Math.min(threads, POOLS.length - 1));
        if (POOLS[t] == null) {
            POOLS[t] = new ForkJoinPool(t, pool -> {
                var w = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                w.setDaemon(true);
                w.setName("ghostflow-intra-op-" + w.getPoolIndex());
                return w;
            }, null, false);
        }
        return POOLS[t];
    }

    /**
     * Runs {@code body} over [0, n) split into up to {@code threads} chunks of at least
     * {@code grain} items each.
     */
    public static void forRange(int threads, int n, int grain, RangeBody body) {
        int chunks = Math.min(threads, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || ForkJoinTask.inForkJoinPool()) {
            body.run(0, n);
            return;
        }
        boolean[] inside = INSIDE.get();
        if (inside[0]) {
            body.run(0, n);
            return;
        }
        // The caller computes the first chunk itself while pool workers take the others: one
        // hand-off fewer than submitting everything, and the caller's cache stays warm.
        ForkJoinPool pool = pool(threads);
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int s = (int) ((long) n * c / chunks);
            int e = (int) ((long) n * (c + 1) / chunks);
            tasks[c - 1] = pool.submit(() -> body.run(s, e));
        }
        inside[0] = true;
        try {
            body.run(0, (int) ((long) n / chunks));
        } finally {
            inside[0] = false;
        }
        for (ForkJoinTask<?> t : tasks) {
            t.join();
        }
    }
}
