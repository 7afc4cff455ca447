package io.ghostflow.runtime.plan;

/**
 * The outcome of planning activation memory for one run.
 *
 * @param noReuseBytes  every activation in its own buffer (what a naive executor allocates)
 * @param plannedBytes  arena size with liveness-based reuse and in-place ops
 * @param peakLiveBytes the most bytes alive at any step (a lower bound for any plan)
 * @param buffers       activations that needed a buffer
 * @param inPlace       outputs written over a dying input of the same size
 * @param aliases       outputs that are views of their input (Reshape and friends)
 */
public record MemoryPlan(long noReuseBytes, long plannedBytes, long peakLiveBytes, int buffers, int inPlace, int aliases) {
    /** Fraction of the no-reuse total that the plan saves (0.6 = 60% less). */
    public double savings() {
        return noReuseBytes == 0 ? 0 : 1 - (double) plannedBytes / noReuseBytes;
    }

    public String summary() {
        return String.format("activation memory: planned peak %s vs %s without reuse (%.1f%% less; live peak %s; %d buffers, %d in place, %d views)",
                human(plannedBytes), human(noReuseBytes), 100 * savings(), human(peakLiveBytes), buffers, inPlace, aliases);
    }

    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        return String.format("%.1f MiB", bytes / (1024.0 * 1024));
    }
}
