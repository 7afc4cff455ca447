package io.ghostflow.runtime.cache;

import io.ghostflow.runtime.FusedModels;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.tensor.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResultCacheTest {
    private static Tensor input(int seed) {
        return FusedModels.random(new Random(seed), 2, 16);
    }

    @Test
    void offByDefault() {
        try (var s = InferenceSession.of(FusedModels.mlp(), SessionOptions.defaults())) {
            assertThat(s.resultCache()).isNull();
        }
    }

    @Test
    void repeatedInputsHitAndGiveTheSameOutputs() {
        try (var s = InferenceSession.of(FusedModels.mlp(), SessionOptions.defaults().withResultCache(2))) {
            Tensor first;
            try (Result r = s.run(Map.of("x", input(1)))) {
                first = r.get("y").copy();
            }
            try (Result r = s.run(Map.of("x", input(1).copy()))) {
                assertThat(r.get("y").contentEquals(first)).isTrue();
            }
            assertThat(s.resultCache().hits()).isEqualTo(1);
            assertThat(s.resultCache().misses()).isEqualTo(1);
            try (Result r = s.run(Map.of("x", input(2)))) {
                assertThat(r.get("y").contentEquals(first)).isFalse();
            }
            assertThat(s.resultCache().misses()).isEqualTo(2);
        }
    }

    @Test
    void boundedLeastRecentlyUsed() {
        try (var s = InferenceSession.of(FusedModels.mlp(), SessionOptions.defaults().withResultCache(2))) {
            for (int seed : new int[] {1, 2, 1, 3}) { // 3 evicts 2, the least recently used
                s.run(Map.of("x", input(seed))).close();
            }
            assertThat(s.resultCache().size()).isEqualTo(2);
            long hits = s.resultCache().hits();
            s.run(Map.of("x", input(1))).close();
            assertThat(s.resultCache().hits()).isEqualTo(hits + 1);
            s.run(Map.of("x", input(2))).close();
            assertThat(s.resultCache().hits()).isEqualTo(hits + 1);
        }
    }

    @Test
    void keyDependsOnValuesShapesAndRequestedOutputs() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        assertThat(ResultCache.key(Map.of("x", a), null)).isEqualTo(ResultCache.key(Map.of("x", a.copy()), null));
        assertThat(ResultCache.key(Map.of("x", a), null)).isNotEqualTo(ResultCache.key(Map.of("x", a.reshape(4)), null));
        assertThat(ResultCache.key(Map.of("x", a), null)).isNotEqualTo(ResultCache.key(Map.of("x", a), java.util.List.of("y")));
        assertThat(ResultCache.key(Map.of("x", a), null))
                .isNotEqualTo(ResultCache.key(Map.of("x", Tensor.of(new float[] {1, 2, 3, 5}, 2, 2)), null));
    }
}
