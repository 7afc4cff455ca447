package io.ghostflow.core;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The helpers of one intra-op thread count: {@code threads - 1} daemon threads that join the
 * calling thread on each parallel loop, claiming chunks in order. After a loop a helper spins
 * ({@link Thread#onSpinWait}) for a short while before it parks, so that the next operator's
 * loop, a few microseconds later, starts on every core at once: waking a parked thread costs tens
 * of microseconds on a virtual machine, as much as a small operator (ONNX Runtime's intra-op pool
 * spins the same way by default). The spin is bounded ({@code -Dghostflow.parallel.spinMicros},
 * default 100), so idle sessions cost nothing. One loop at a time per team: a caller that finds
 * the team busy with another caller's loop runs its own inline.
 */
final class WorkerTeam {
    private static final long SPIN_NANOS = Long.getLong("ghostflow.parallel.spinMicros", 100) * 1000;

    /** One parallel loop: [0, n) in {@code chunks} contiguous chunks. */
    private static final class Loop {
        final Parallel.RangeBody body;
        final int n;
        final int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        volatile Throwable failure;

        Loop(Parallel.RangeBody body, int n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
        }

        void drain() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                try {
                    if (failure == null) {
                        body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                    }
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    }
                } finally {
                    finished.incrementAndGet();
                }
            }
        }
    }

    private final Helper[] helpers;
    private final AtomicBoolean busy = new AtomicBoolean();
    /** The loop of the latest {@link #epoch}; cleared when it is done so it does not keep its data alive. */
    private volatile Loop current;
    private volatile long epoch;

    WorkerTeam(int threads) {
        helpers = new Helper[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper("ghostflow-intra-op-" + threads + "-" + (i + 1));
            helpers[i].start();
        }
    }

    /**
     * Runs body over [0, n) in {@code chunks} chunks with the helpers, the caller taking chunks
     * too, and returns once all are done (rethrowing the first failure); false, without running
     * anything, if the team is busy with another caller's loop.
     */
    boolean run(Parallel.RangeBody body, int n, int chunks) {
        if (!busy.compareAndSet(false, true)) {
            return false;
        }
        Loop loop = new Loop(body, n, chunks);
        try {
            current = loop;
            epoch++;
            // Read after the epoch write: a helper that sets parked after this read sees the new epoch.
            for (Helper h : helpers) {
                if (h.parked) {
                    LockSupport.unpark(h);
                }
            }
            Parallel.runInside(loop::drain);
            while (loop.finished.get() < chunks) {
                Thread.onSpinWait();
            }
        } finally {
            current = null;
            busy.set(false);
        }
        Throwable f = loop.failure;
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error err) {
            throw err;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
        return true;
    }

    /** Unparks parked helpers: each spins again for the spin time, then parks unless a loop came. */
    void wake() {
        for (Helper h : helpers) {
            if (h.parked) {
                LockSupport.unpark(h);
            }
        }
    }

    private final class Helper extends Thread {
        volatile boolean parked;

        Helper(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            Parallel.markInside();
            long seen = 0;
            while (true) {
                long e = epoch;
                if (e != seen) {
                    seen = e;
                    Loop loop = current;
                    if (loop != null) {
                        loop.drain();
                    }
                    continue;
                }
                long until = System.nanoTime() + SPIN_NANOS;
                while (epoch == seen && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                if (epoch != seen) {
                    continue;
                }
                parked = true;
                if (epoch == seen) {
                    LockSupport.park(this);
                }
                parked = false;
            }
        }
    }
}
