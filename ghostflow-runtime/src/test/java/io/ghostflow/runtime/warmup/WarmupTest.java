package io.ghostflow.runtime.warmup;

import io.ghostflow.runtime.FusedModels;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.SessionOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WarmupTest {
    @Test
    void statisticsUseNearestRankPercentiles() {
        double[] ms = new double[100];
        for (int i = 0; i < 100; i++) {
            ms[i] = 100 - i; // 1..100, unsorted
        }
        WarmupStats s = WarmupStats.of(ms);
        assertThat(s.runs()).isEqualTo(100);
        assertThat(s.mean()).isEqualTo(50.5);
        assertThat(s.p50()).isEqualTo(50);
        assertThat(s.p90()).isEqualTo(90);
        assertThat(s.p99()).isEqualTo(99);
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.max()).isEqualTo(100);
    }

    @Test
    void runsTheSessionTheRequestedNumberOfTimes() {
        try (var s = InferenceSession.of(FusedModels.mlp(), SessionOptions.defaults())) {
            List<Integer> progress = new ArrayList<>();
            WarmupStats st = Warmup.run(s, Map.of("x", FusedModels.random(new Random(1), 4, 16)), 5, progress::add);
            assertThat(progress).containsExactly(1, 2, 3, 4, 5);
            assertThat(st.runs()).isEqualTo(5);
            assertThat(st.min()).isLessThanOrEqualTo(st.p50()).isLessThanOrEqualTo(st.max());
            assertThat(st.summary()).contains("5 runs", "p99");
        }
    }

    @Test
    void refusesZeroRuns() {
        try (var s = InferenceSession.of(FusedModels.mlp(), SessionOptions.defaults())) {
            assertThatThrownBy(() -> Warmup.run(s, Map.of(), 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
