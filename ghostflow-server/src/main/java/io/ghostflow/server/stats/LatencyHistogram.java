package io.ghostflow.server.stats;

import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free latency histogram with fixed microsecond buckets (Prometheus style: cumulative
 * counts per upper bound, plus sum and count). The statistics extension only reports sums, so
 * percentiles of per-request figures such as the server overhead come from here.
 */
public final class LatencyHistogram {
    /** Upper bounds in microseconds; a last implicit bucket holds everything above. */
    static final long[] BOUNDS_US = {5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100, 125, 150, 200, 300, 500,
        1000, 2000, 5000, 10000, 100000};
    private final LongAdder[] counts = new LongAdder[BOUNDS_US.length + 1];
    private final LongAdder sumNs = new LongAdder();

    public LatencyHistogram() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public void add(long nanos) {
        long v = Math.max(0, nanos);
        long us = v / 1000;
        int i = 0;
        while (i < BOUNDS_US.length && us >= BOUNDS_US[i]) {
            i++;
        }
        counts[i].increment();
        sumNs.add(v);
    }

    /** Upper bounds (us) of the finite buckets. */
    public static long[] boundsMicros() {
        return BOUNDS_US.clone();
    }

    /** Per-bucket (not cumulative) counts; the last entry is the overflow bucket. */
    public long[] counts() {
        long[] c = new long[counts.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts[i].sum();
        }
        return c;
    }

    public long sumNanos() {
        return sumNs.sum();
    }

    /**
     * The q-quantile (0..1) in microseconds of per-bucket counts, interpolated linearly inside
     * the bucket that holds it (as Prometheus' histogram_quantile does); the overflow bucket
     * answers with its lower bound. NaN when there are no samples.
     */
    public static double quantileMicros(long[] bucketCounts, double q) {
        long total = 0;
        for (long c : bucketCounts) {
            total += c;
        }
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        long seen = 0;
        for (int i = 0; i < bucketCounts.length; i++) {
            if (bucketCounts[i] > 0 && seen + bucketCounts[i] >= rank) {
                if (i == BOUNDS_US.length) {
                    return BOUNDS_US[i - 1];
                }
                double lo = i == 0 ? 0 : BOUNDS_US[i - 1];
                return lo + (BOUNDS_US[i] - lo) * (rank - seen) / bucketCounts[i];
            }
            seen += bucketCounts[i];
        }
        return BOUNDS_US[BOUNDS_US.length - 1];
    }
}
