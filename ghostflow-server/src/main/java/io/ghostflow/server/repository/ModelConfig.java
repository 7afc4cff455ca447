package io.ghostflow.server.repository;

import io.ghostflow.runtime.batch.BatchOptions;
import java.time.Duration;
import java.util.List;

/**
 * A model's serving configuration (Triton's config field names, written as JSON or YAML).
 *
 * @param maxBatchSize        0: the model has no batch dimension; else the largest batch a run may hold
 * @param dynamicBatching     stack concurrent requests (needs maxBatchSize > 1)
 * @param preferredBatchSizes dispatch as soon as one of these is reachable
 * @param maxQueueDelayMicros the longest the oldest request waits for company
 * @param instances           runs that may execute at once
 * @param queueLimit          requests that may wait; more are refused with 503
 * @param defaultTimeoutMicros per-request timeout when the request gives none (0: none)
 * @param versionPolicy       which versions of the repository to serve
 * @param warmupRuns          runs on zero inputs before a version becomes ready
 */
public record ModelConfig(String name, int maxBatchSize, boolean dynamicBatching, List<Integer> preferredBatchSizes,
                          long maxQueueDelayMicros, int instances, int queueLimit, long defaultTimeoutMicros,
                          VersionPolicy versionPolicy, int warmupRuns) {

    public static ModelConfig defaults(String name) {
        return new ModelConfig(name, 0, false, List.of(), 0, 1, 1024, 0, VersionPolicy.latest(1), 0);
    }

    public BatchOptions batchOptions() {
        return new BatchOptions(maxBatchSize, dynamicBatching, maxQueueDelayMicros, preferredBatchSizes, queueLimit,
                defaultTimeoutMicros > 0 ? Duration.ofNanos(defaultTimeoutMicros * 1000) : null, instances);
    }

    public ModelConfig withName(String n) {
        return new ModelConfig(n, maxBatchSize, dynamicBatching, preferredBatchSizes, maxQueueDelayMicros, instances, queueLimit,
                defaultTimeoutMicros, versionPolicy, warmupRuns);
    }

    public ModelConfig withBatching(int max, boolean dynamic, long delayMicros) {
        return new ModelConfig(name, max, dynamic, preferredBatchSizes, delayMicros, instances, queueLimit,
                defaultTimeoutMicros, versionPolicy, warmupRuns);
    }

    public ModelConfig withInstances(int n) {
        return new ModelConfig(name, maxBatchSize, dynamicBatching, preferredBatchSizes, maxQueueDelayMicros, n, queueLimit,
                defaultTimeoutMicros, versionPolicy, warmupRuns);
    }
}
