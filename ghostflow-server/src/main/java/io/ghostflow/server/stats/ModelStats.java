package io.ghostflow.server.stats;

import io.ghostflow.runtime.batch.BatchListener;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one model version, in the shape of Triton's statistics extension: request success
 * and failure, queue and compute (input / infer / output) counts and nanoseconds, inference
 * (rows) and execution (runs) counts, and per-batch-size compute stats. Lock-free; fed by the
 * server (requests) and by the batcher (as its {@link BatchListener}).
 */
public final class ModelStats implements BatchListener {
    /** A count and a total duration. */
    public static final class Duration {
        private final LongAdder count = new LongAdder();
        private final LongAdder ns = new LongAdder();

        public void add(long nanos) {
            count.increment();
            ns.add(nanos);
        }

        public long count() {
            return count.sum();
        }

        public long ns() {
            return ns.sum();
        }
    }

    /** Compute stats of runs that held {@code batchSize} rows. */
    public static final class BatchStat {
        public final Duration computeInput = new Duration();
        public final Duration computeInfer = new Duration();
        public final Duration computeOutput = new Duration();
    }

    public final Duration success = new Duration();
    /** Per successful request: end-to-end time minus the time spent in the batcher (queue + compute). */
    public final LatencyHistogram overhead = new LatencyHistogram();
    public final Duration fail = new Duration();
    public final Duration queue = new Duration();
    public final Duration computeInput = new Duration();
    public final Duration computeInfer = new Duration();
    public final Duration computeOutput = new Duration();
    public final LongAdder inferenceCount = new LongAdder();
    public final LongAdder executionCount = new LongAdder();
    private final ConcurrentSkipListMap<Integer, BatchStat> batches = new ConcurrentSkipListMap<>();
    private volatile long lastInferenceMillis;
    private volatile long recentRunNs = -1;

    @Override
    public void executed(int requests, int rows, long inputNs, long inferNs, long outputNs) {
        executionCount.increment();
        inferenceCount.add(rows);
        // Triton counts compute per request: each request of the batch spent the batch's compute time
        for (int i = 0; i < requests; i++) {
            computeInput.add(inputNs);
            computeInfer.add(inferNs);
            computeOutput.add(outputNs);
        }
        BatchStat b = batches.computeIfAbsent(rows, k -> new BatchStat());
        b.computeInput.add(inputNs);
        b.computeInfer.add(inferNs);
        b.computeOutput.add(outputNs);
        lastInferenceMillis = System.currentTimeMillis();
        long total = inputNs + inferNs + outputNs;
        long recent = recentRunNs;
        // A racy moving average is fine: it only decides where requests run. One sample counts at
        // most twice the average, so a run stretched by a preemption does not flip the decision,
        // while a model that really is slow still pushes it up within a few dozen runs.
        recentRunNs = recent < 0 ? total : recent - (recent >> 3) + (Math.min(total, 2 * recent + 1000) >> 3);
    }

    /** Moving average of one run's time (ns), -1 before the first run. */
    public long recentRunNs() {
        return recentRunNs;
    }

    @Override
    public void dequeued(long queueNs) {
        queue.add(queueNs);
    }

    /** Batch size to its stats, ascending. */
    public java.util.NavigableMap<Integer, BatchStat> batches() {
        return batches;
    }

    public long lastInferenceMillis() {
        return lastInferenceMillis;
    }
}
