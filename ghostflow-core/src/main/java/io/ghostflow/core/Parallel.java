package io.ghostflow.core;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

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
        ForkJoinPool pool = pool(threads);
        pool.invoke(new RecursiveAction() {
            @Override
            protected void compute() {
                RecursiveAction[] tasks = new RecursiveAction[chunks - 1];
                for (int c = 1; c < chunks; c++) {
                    int s = (int) ((long) n * c / chunks);
                    int e = (int) ((long) n * (c + 1) / chunks);
                    tasks[c - 1] = new RecursiveAction() {
                        @Override
                        protected void compute() {
                            body.run(s, e);
                        }
                    };
                    tasks[c - 1].fork();
                }
                body.run(0, (int) ((long) n / chunks));
                for (int i = tasks.length - 1; i >= 0; i--) {
                    tasks[i].join();
                }
            }
        });
    }
}
