package io.ghostflow.server.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Bucketing and the interpolated quantile of the latency histogram. */
class LatencyHistogramTest {
    @Test
    void samplesLandInTheBucketOfTheirUpperBound() {
        LatencyHistogram h = new LatencyHistogram();
        h.add(4_999);       // 4.999 us -> le 5
        h.add(5_000);       // 5 us -> le 10 (bounds are exclusive, as the lower edge of the next bucket)
        h.add(99_000);      // 99 us -> le 100
        h.add(-7);          // clock noise counts as 0
        h.add(500_000_000); // overflow
        long[] c = h.counts();
        assertThat(c[0]).isEqualTo(2);
        assertThat(c[1]).isEqualTo(1);
        assertThat(c[12]).isEqualTo(1);
        assertThat(c[c.length - 1]).isEqualTo(1);
        assertThat(h.sumNanos()).isEqualTo(4_999 + 5_000 + 99_000 + 500_000_000L);
    }

    @Test
    void quantileInterpolatesInsideTheBucket() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 100; i++) {
            h.add(12_000); // all in the (10, 15] bucket
        }
        // the median sits half way into the bucket, like Prometheus' histogram_quantile
        assertThat(LatencyHistogram.quantileMicros(h.counts(), 0.5)).isCloseTo(12.5, within(1e-9));
        assertThat(LatencyHistogram.quantileMicros(h.counts(), 1.0)).isCloseTo(15.0, within(1e-9));
        assertThat(LatencyHistogram.quantileMicros(new LatencyHistogram().counts(), 0.5)).isNaN();
    }

    @Test
    void quantileFindsTheRightBucketAcrossSeveral() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 30; i++) {
            h.add(3_000);
        }
        for (int i = 0; i < 70; i++) {
            h.add(180_000);
        }
        assertThat(LatencyHistogram.quantileMicros(h.counts(), 0.2)).isLessThan(5.0);
        assertThat(LatencyHistogram.quantileMicros(h.counts(), 0.5)).isBetween(150.0, 200.0);
    }
}
