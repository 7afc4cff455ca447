package io.ghostflow.bench.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The order of the two sessions' timed runs: run by run, or in blocks, every run of each counted once. */
class ScalingCommandTest {
    @Test
    void runByRunAlternatesEveryRun() {
        for (int i = 0; i < 8; i++) {
            assertThat(ScalingCommand.session(i, 1)).isEqualTo(i % 2);
            assertThat(ScalingCommand.index(i, 1)).isEqualTo(i / 2);
        }
    }

    @Test
    void blocksGiveEachSessionEachIndexOnceInOrder() {
        for (int block = 1; block <= 5; block++) {
            int runs = 3 * block;
            int[] next = new int[2];
            for (int i = 0; i < 2 * runs; i++) {
                int s = ScalingCommand.session(i, block);
                assertThat(s).as("run %d, block %d", i, block).isEqualTo(i / block % 2);
                assertThat(ScalingCommand.index(i, block)).as("run %d, block %d", i, block).isEqualTo(next[s]++);
            }
            assertThat(next).containsExactly(runs, runs);
        }
    }
}
