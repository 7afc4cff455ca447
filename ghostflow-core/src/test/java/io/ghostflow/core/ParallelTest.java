package io.ghostflow.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Both splitters cover every item exactly once, for any item count and thread count. */
class ParallelTest {
    @Test
    void everyItemRunsExactlyOnce() {
        for (int threads = 1; threads <= 3; threads++) {
            for (int n = 0; n <= 37; n++) {
                AtomicIntegerArray fixed = new AtomicIntegerArray(n);
                AtomicIntegerArray balanced = new AtomicIntegerArray(n);
                Parallel.forRange(threads, n, 1, (s, e) -> count(fixed, s, e));
                Parallel.forRangeBalanced(threads, n, (s, e) -> count(balanced, s, e));
                for (int i = 0; i < n; i++) {
                    assertThat(fixed.get(i)).as("forRange threads %d n %d item %d", threads, n, i).isEqualTo(1);
                    assertThat(balanced.get(i)).as("forRangeBalanced threads %d n %d item %d", threads, n, i).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void nestedCallsCoverTheirItemsToo() {
        AtomicIntegerArray hits = new AtomicIntegerArray(8 * 16);
        Parallel.forRangeBalanced(2, 8, (s, e) -> {
            for (int outer = s; outer < e; outer++) {
                int base = outer * 16;
                Parallel.forRangeBalanced(2, 16, (a, b) -> count(hits, base + a, base + b));
            }
        });
        for (int i = 0; i < hits.length(); i++) {
            assertThat(hits.get(i)).as("item %d", i).isEqualTo(1);
        }
    }

    private static void count(AtomicIntegerArray hits, int start, int end) {
        for (int i = start; i < end; i++) {
            hits.incrementAndGet(i);
        }
    }
}
