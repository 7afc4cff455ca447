package io.ghostflow.runtime.warmup;

import java.util.Arrays;

/** Latency statistics of repeated runs, in milliseconds. */
public record WarmupStats(int runs, double mean, double p50, double p90, double p99, double min, double max) {
    /** Statistics of the given latencies (nearest-rank percentiles). */
    public static WarmupStats of(double[] millis) {
        if (millis.length == 0) {
            throw new IllegalArgumentException("no runs");
        }
        double[] s = millis.clone();
        Arrays.sort(s);
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        return new WarmupStats(s.length, sum / s.length, rank(s, 50), rank(s, 90), rank(s, 99), s[0], s[s.length - 1]);
    }

    private static double rank(double[] sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    public String summary() {
        return String.format(java.util.Locale.ROOT, "%d runs: mean %.3f ms, p50 %.3f, p90 %.3f, p99 %.3f, min %.3f, max %.3f",
                runs, mean, p50, p90, p99, min, max);
    }
}
