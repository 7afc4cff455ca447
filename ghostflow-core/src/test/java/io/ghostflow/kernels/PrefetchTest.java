package io.ghostflow.kernels;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The sweep reads inside the range it is given, for every length and offset around the line size, and reads it. */
class PrefetchTest {
    @Test
    void sweepsEveryRangeUpToTheArraysEnd() {
        for (int length = 0; length <= 200; length++) {
            float[] a = new float[length];
            for (int from = 0; from <= length; from++) {
                int f = from;
                int n = length - from;
                assertThatCode(() -> Prefetch.sweep(a, f, n)).as("length %d from %d", a.length, f)
                        .doesNotThrowAnyException();
            }
        }
    }

    @Test
    void theSweepLoadsALineInEverySixteenFloats() {
        // a range a line past the end: its last line is read (a sweep that loaded nothing would pass the test above)
        assertThatThrownBy(() -> Prefetch.sweep(new float[64], 16, 64)).isInstanceOf(ArrayIndexOutOfBoundsException.class);
    }
}
