package io.ghostflow.core;

/**
 * Intra-op parallelism. One {@link WorkerTeam} per thread count, so sessions with the same
 * setting share helpers instead of each spawning its own; the calling thread always computes
 * chunks too. With one thread, or little work, or inside another parallel loop, the body runs
 * inline on the caller so tiny ops pay no hand-off.
 */
public final class Parallel {
    /** A half-open range [start, end) of work items. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static final WorkerTeam[] TEAMS = new WorkerTeam[257];
    /** Set while a thread runs chunks of a loop (helpers: always): nested loops there run inline. */
    private static final ThreadLocal<boolean[]> INSIDE = ThreadLocal.withInitial(() -> new boolean[1]);

    private Parallel() {
    }

    public static int availableThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The team for {@code threads} (at least 2, and no more than the cores: see {@link #run}). */
    private static synchronized WorkerTeam team(int threads) {
        int t = Math.min(threads, TEAMS.length - 1);
        if (TEAMS[t] == null) {
            TEAMS[t] = new WorkerTeam(t);
        }
        return TEAMS[t];
    }

    /**
     * Wakes the helpers of the team for {@code threads} if they have parked, so that a run's first
     * parallel loop, a few microseconds on, finds them spinning: between the runs of a session
     * that are not back to back (a server's requests, ONNX Runtime's runs in the peer benchmark)
     * they park, and a loop that has to wake them first waits tens of microseconds for its second
     * core.
     */
    public static void wake(int threads) {
        if (threads <= 1) {
            return;
        }
        int size = Math.min(threads, availableThreads());
        if (size > 1 && !INSIDE.get()[0]) {
            team(size).wake();
        }
    }

    /**
     * The smallest multiple of the threads a loop of {@code threads} gets (no more than the cores)
     * that is at least {@code items}; items itself on one thread. For kernels that choose how many
     * equal items (bands of rows) to cut their work into: 7 bands on 2 threads take 4 bands' time,
     * 8 smaller ones take 4 smaller bands' time.
     */
    public static int evenItems(int threads, int items) {
        if (threads <= 1 || items <= 0) {
            return items;
        }
        int participants = Math.min(threads, availableThreads());
        return (items + participants - 1) / participants * participants;
    }

    /**
     * Runs {@code body} over [0, n) split into up to {@code threads} chunks of at least
     * {@code grain} items each.
     */
    public static void forRange(int threads, int n, int grain, RangeBody body) {
        run(threads, n, Math.min(threads, Math.max(1, n / Math.max(1, grain))), body);
    }

    /**
     * Chunks per participating thread in {@link #forRangeBalanced}. Every claim and every finished
     * chunk moves the loop's counters from one core to the other, and on this project's 2-core
     * virtual machine the host sometimes places the two cores in different L3 domains, where such a
     * round trip takes 430-540 ns instead of 45-130. With 2 instead of 16 (on 2 threads, one JVM,
     * blocks of 20 runs alternating): resnet18 0.981-0.989 of the time with the cores in one L3 and
     * 0.940-0.955 in two, squeezenet1_1 0.905-0.970, mobilenet_v2_bn 1.001-1.016, bert_tiny_hf 1.002;
     * against 4, resnet18 0.975-0.993 and squeezenet1_1 0.960-0.980. One chunk per thread ran as 2
     * (0.992-1.002); 2 lets a descheduled thread hold up half of its share, not all of it. (16 had
     * measured better than 4 in an earlier round, before later changes to the hand-off.)
     */
    private static final int CHUNKS_PER_THREAD = 2;

    /**
     * {@link #forRange} for independent, similar items (images, channels, whole GEMMs): [0, n) is
     * cut into up to {@value #CHUNKS_PER_THREAD} chunks per thread, which the caller and the
     * helpers claim in order as each becomes free. A thread the OS deschedules (two cores shared
     * with a server's I/O threads) then holds up only its current chunk, not a fixed share of
     * the work. Only for bodies whose cost per chunk does not grow with the number of chunks.
     */
    public static void forRangeBalanced(int threads, int n, RangeBody body) {
        int participants = Math.min(threads, n);
        run(threads, n, participants <= 1 ? 1 : Math.min(n, participants * CHUNKS_PER_THREAD), body);
    }

    private static void run(int threads, int n, int chunks, RangeBody body) {
        // One thread or one chunk: inline at once (the core count is a native call, a tenth of a
        // microsecond, paid per loop of every operator of a small model otherwise).
        if (threads <= 1 || chunks <= 1) {
            body.run(0, n);
            return;
        }
        // No more helpers than cores: a spinning helper without a core of its own would only delay the caller.
        int size = Math.min(threads, availableThreads());
        // Inline without the inside mark: a single chunk's own loops may still use the threads.
        if (chunks <= 1 || size <= 1 || INSIDE.get()[0] || !team(size).run(body, n, chunks)) {
            body.run(0, n);
        }
    }

    /** Runs r with this thread marked as inside a parallel loop (restoring the previous mark). */
    static void runInside(Runnable r) {
        boolean[] inside = INSIDE.get();
        boolean was = inside[0];
        inside[0] = true;
        try {
            r.run();
        } finally {
            inside[0] = was;
        }
    }

    /** Marks the calling helper thread as inside a loop for good. */
    static void markInside() {
        INSIDE.get()[0] = true;
    }
}
