package io.ghostflow.runtime.batch;

import java.time.Duration;
import java.util.List;

/**
 * How a {@link BatchInference} groups requests.
 *
 * @param maxBatchSize         rows one run may hold; 0 means the model has no batch dimension and every
 *                             request runs alone, unstacked
 * @param dynamicBatching      when false each request runs alone even if the model could batch
 * @param maxQueueDelayMicros  how long the oldest queued request may wait for company once an instance is free to run it
 * @param preferredBatchSizes  sizes to dispatch at as soon as they are reachable (empty: only max / delay)
 * @param queueCapacity        requests that may wait at once; one more is refused with UNAVAILABLE
 * @param defaultTimeout       per-request timeout when the caller gives none (null: none)
 * @param instances            runs that may execute concurrently
 */
public record BatchOptions(int maxBatchSize, boolean dynamicBatching, long maxQueueDelayMicros,
                           List<Integer> preferredBatchSizes, int queueCapacity, Duration defaultTimeout, int instances) {

    public BatchOptions {
        if (maxBatchSize < 0 || queueCapacity < 1 || instances < 1 || maxQueueDelayMicros < 0) {
            throw new IllegalArgumentException("bad batch options: maxBatchSize=" + maxBatchSize + " queueCapacity=" + queueCapacity
                    + " instances=" + instances + " maxQueueDelayMicros=" + maxQueueDelayMicros);
        }
        preferredBatchSizes = preferredBatchSizes.stream().filter(s -> s > 0 && s <= Math.max(1, maxBatchSize)).sorted().toList();
    }

    /** No stacking: each request runs alone on one of {@code instances} concurrent runs. */
    public static BatchOptions unbatched(int instances) {
        return new BatchOptions(0, false, 0, List.of(), 1024, null, instances);
    }

    /** Dynamic batching up to {@code maxBatchSize} rows, waiting at most {@code maxQueueDelayMicros}. */
    public static BatchOptions dynamic(int maxBatchSize, long maxQueueDelayMicros) {
        return new BatchOptions(maxBatchSize, true, maxQueueDelayMicros, List.of(), 1024, null, 1);
    }

    public BatchOptions withMaxBatchSize(int n) {
        return new BatchOptions(n, dynamicBatching, maxQueueDelayMicros, preferredBatchSizes, queueCapacity, defaultTimeout, instances);
    }

    public BatchOptions withInstances(int n) {
        return new BatchOptions(maxBatchSize, dynamicBatching, maxQueueDelayMicros, preferredBatchSizes, queueCapacity, defaultTimeout, n);
    }

    public BatchOptions withQueueCapacity(int n) {
        return new BatchOptions(maxBatchSize, dynamicBatching, maxQueueDelayMicros, preferredBatchSizes, n, defaultTimeout, instances);
    }

    public BatchOptions withDefaultTimeout(Duration t) {
        return new BatchOptions(maxBatchSize, dynamicBatching, maxQueueDelayMicros, preferredBatchSizes, queueCapacity, t, instances);
    }

    public BatchOptions withPreferredBatchSizes(List<Integer> sizes) {
        return new BatchOptions(maxBatchSize, dynamicBatching, maxQueueDelayMicros, sizes, queueCapacity, defaultTimeout, instances);
    }

    /** True when requests are stacked into shared runs. */
    public boolean batches() {
        return dynamicBatching && maxBatchSize > 1;
    }
}
