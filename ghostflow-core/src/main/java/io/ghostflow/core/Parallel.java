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

    /** Chunks per participating thread in {@link #forRangeBalanced}. */
    private static final int CHUNKS_PER_THREAD = 4;

    /**
     * {@link #forRange} for independent, similar items (images, channels, whole GEMMs): [0, n) is
     * cut into up to {@value #CHUNKS_PER_THREAD} chunks per thread, which the caller and the
     * workers claim in order as each becomes free. A thread the OS deschedules (two cores shared
     * with a server's I/O threads) then holds up only its current chunk, not a fixed share of
     * the work. Only for bodies whose cost per chunk does not grow with the number of chunks.
     */
    public static void forRangeBalanced(int threads, int n, RangeBody body) {
        int participants = Math.min(threads, n);
        if (participants <= 1 || ForkJoinTask.inForkJoinPool() || INSIDE.get()[0]) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(n, participants * CHUNKS_PER_THREAD);
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        Runnable drain = () -> {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
            }
        };
        ForkJoinPool pool = pool(threads);
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[participants - 1];
        for (int t = 0; t < tasks.length; t++) {
            tasks[t] = pool.submit(drain);
        }
        boolean[] inside = INSIDE.get();
        inside[0] = true;
        try {
            drain.run();
        } finally {
            inside[0] = false;
        }
        for (ForkJoinTask<?> t : tasks) {
            t.join();
        }
    }
}
