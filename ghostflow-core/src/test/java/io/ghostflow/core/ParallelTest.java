package io.ghostflow.core;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * Both splitters cover every item exactly once, for any item count and thread count; the helper
 * threads really run chunks beside the caller; failures reach the caller; concurrent callers of
 * one team each get all their items done.
 */
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
    void evenItemsRoundUpToAMultipleOfTheThreadsThatTakePart() {
        int cores = Parallel.availableThreads();
        assertThat(Parallel.evenItems(1, 7)).isEqualTo(7);
        assertThat(Parallel.evenItems(2, 0)).isZero();
        for (int threads = 2; threads <= 4; threads++) {
            int participants = Math.min(threads, cores);
            for (int items = 1; items <= 20; items++) {
                int even = Parallel.evenItems(threads, items);
                assertThat(even).as("threads %d items %d", threads, items).isGreaterThanOrEqualTo(items)
                        .isLessThan(items + participants);
                assertThat(even % participants).as("threads %d items %d", threads, items).isZero();
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

    @Test
    void aHelperRunsAChunkWhileTheCallerRunsAnother() throws Exception {
        // With one core there are no helpers: loops run on the caller alone.
        org.junit.jupiter.api.Assumptions.assumeTrue(Parallel.availableThreads() >= 2);
        // Chunk 0 waits until chunk 1 has started: only a second thread can start it.
        CountDownLatch secondStarted = new CountDownLatch(1);
        AtomicBoolean sawIt = new AtomicBoolean();
        Parallel.forRange(2, 2, 1, (s, e) -> {
            if (s == 1) {
                secondStarted.countDown();
            } else {
                try {
                    sawIt.set(secondStarted.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertThat(sawIt).isTrue();
    }

    @Test
    void aFailingChunkReachesTheCallerAndTheTeamKeepsWorking() {
        assertThatThrownBy(() -> Parallel.forRangeBalanced(2, 64, (s, e) -> {
            if (s <= 40 && 40 < e) {
                throw new IllegalArgumentException("item 40");
            }
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("item 40");
        AtomicIntegerArray hits = new AtomicIntegerArray(64);
        Parallel.forRangeBalanced(2, 64, (s, e) -> count(hits, s, e));
        for (int i = 0; i < 64; i++) {
            assertThat(hits.get(i)).as("item %d", i).isEqualTo(1);
        }
    }

    @Test
    void concurrentCallersEachGetAllTheirItemsDone() throws Exception {
        int callers = 4;
        AtomicIntegerArray[] hits = new AtomicIntegerArray[callers];
        Thread[] threads = new Thread[callers];
        for (int t = 0; t < callers; t++) {
            AtomicIntegerArray mine = hits[t] = new AtomicIntegerArray(1000);
            threads[t] = new Thread(() -> {
                for (int round = 0; round < 200; round++) {
                    Parallel.forRangeBalanced(2, 1000, (s, e) -> count(mine, s, e));
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        for (int t = 0; t < callers; t++) {
            for (int i = 0; i < 1000; i++) {
                assertThat(hits[t].get(i)).as("caller %d item %d", t, i).isEqualTo(200);
            }
        }
    }

    private static void count(AtomicIntegerArray hits, int start, int end) {
        for (int i = start; i < end; i++) {
            hits.incrementAndGet(i);
        }
    }
}
