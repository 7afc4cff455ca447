package io.ghostflow.server.repository;

import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.batch.BatchInference;
import io.ghostflow.server.stats.ModelStats;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One served version of a model: its session, its batcher and its statistics. Requests
 * {@link #acquire} it before use and {@link #release} after, so that a version being replaced or
 * unloaded is closed only once the requests that already hold it are done.
 */
public final class ModelVersion {
    private final String name;
    private final String version;
    private final ModelConfig config;
    private final InferenceSession session;
    private final BatchInference batcher;
    private final ModelStats stats;
    private final AtomicInteger holders = new AtomicInteger();
    private volatile boolean retired;

    ModelVersion(String name, long version, ModelConfig config, InferenceSession session, ModelStats stats) {
        this.name = name;
        this.version = Long.toString(version);
        this.config = config;
        this.session = session;
        this.stats = stats;
        this.batcher = new BatchInference(session, config.batchOptions(), stats);
    }

    public String name() {
        return name;
    }

    public String version() {
        return version;
    }

    public ModelConfig config() {
        return config;
    }

    public InferenceSession session() {
        return session;
    }

    public BatchInference batcher() {
        return batcher;
    }

    public ModelStats stats() {
        return stats;
    }

    public boolean ready() {
        return !retired;
    }

    /** Takes a hold; false when the version is retiring (the caller looks it up again). */
    public boolean acquire() {
        holders.incrementAndGet();
        if (retired) {
            holders.decrementAndGet();
            return false;
        }
        return true;
    }

    public void release() {
        holders.decrementAndGet();
    }

    /** Stops new holds, waits (bounded) for current ones to finish, then closes. True when it drained in time. */
    boolean retire(Duration timeout) {
        retired = true;
        long end = System.nanoTime() + timeout.toNanos();
        while (holders.get() > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean drained = holders.get() == 0 && batcher.drain(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
        batcher.close();
        session.close();
        return drained;
    }
}
