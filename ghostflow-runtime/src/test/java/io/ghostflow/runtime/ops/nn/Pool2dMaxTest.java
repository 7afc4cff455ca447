package io.ghostflow.runtime.ops.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/** The vectorized 2-D max pool against a tap-by-tap scalar reference on random geometry ({@link PoolGeometries}). */
class Pool2dMaxTest {
    @RepeatedTest(200)
    void matchesTheScalarReference(RepetitionInfo repetition) {
        // seeded per repetition: JUnit makes a new instance per repetition, so a seeded field would repeat one case
        Random random = new Random(20261127L + repetition.getCurrentRepetition());
        Window.Geometry g = PoolGeometries.random(random);
        int oh = g.out()[0];
        int ow = g.out()[1];
        int planes = 1 + random.nextInt(3);
        float[] x = PoolGeometries.values(random, planes * g.in()[0] * g.in()[1]);
        float[] y = new float[planes * oh * ow];
        Pool2d.run(true, false, x, y, planes, g, 1);
        assertThat(y).containsExactly(reference(x, planes, g));
    }

    /**
     * squeezenet1_1's 3x3 stride-2 pools (ceil mode) on rows of 13, 27 and 55 outputs: each row's
     * last vector spills into the next row or plane of the thread's range and is rewritten there,
     * never past the range (two threads split the planes), and the last plane of a range ends exact.
     */
    @Test
    void shortStridedRowsSpillOnlyIntoLaterRowsOfTheirRange() {
        for (int[] shape : new int[][] {{9, 27, 13}, {7, 55, 27}, {3, 111, 55}, {5, 28, 14}}) {
            int planes = shape[0];
            int ih = shape[1];
            int oh = shape[2];
            int padEnd = (oh - 1) * 2 + 3 - ih;
            Window.Geometry g = new Window.Geometry(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1},
                    new int[] {0, 0}, new int[] {padEnd, padEnd}, new int[] {ih, ih}, new int[] {oh, oh});
            float[] x = PoolGeometries.values(new Random(ih), planes * ih * ih);
            for (int threads = 1; threads <= 2; threads++) {
                // one float past the planes: it must keep its value
                float[] y = new float[planes * oh * oh + 1];
                y[y.length - 1] = 42f;
                Pool2d.run(true, false, x, y, planes, g, threads);
                float[] want = reference(x, planes, g);
                assertThat(java.util.Arrays.copyOf(y, want.length)).as("%d planes of %d, %d threads", planes, ih, threads)
                        .containsExactly(want);
                assertThat(y[y.length - 1]).isEqualTo(42f);
            }
        }
    }

    /**
     * Unpadded windows 2 or 3 wide at column stride 2 (the register kernel, MaxPoolStride2): random
     * heights, row strides and widths from under one vector to several, 1-3 planes, 1-2 threads,
     * against the reference; the last rows of the array take its scalar tail.
     */
    @RepeatedTest(60)
    void unpaddedStride2WindowsMatchTheReference(RepetitionInfo repetition) {
        Random random = new Random(7100L + repetition.getCurrentRepetition());
        int kh = 1 + random.nextInt(4);
        int kw = 2 + random.nextInt(2);
        int sh = 1 + random.nextInt(3);
        int ih = kh + random.nextInt(30);
        int iw = kw + random.nextInt(80);
        int oh = (ih - kh) / sh + 1;
        int ow = (iw - kw) / 2 + 1;
        Window.Geometry g = new Window.Geometry(new int[] {kh, kw}, new int[] {sh, 2}, new int[] {1, 1},
                new int[] {0, 0}, new int[] {0, 0}, new int[] {ih, iw}, new int[] {oh, ow});
        int planes = 1 + random.nextInt(3);
        float[] x = PoolGeometries.values(random, planes * ih * iw);
        float[] y = new float[planes * oh * ow];
        Pool2d.run(true, false, x, y, planes, g, 1 + random.nextInt(2));
        assertThat(y).as("k %dx%d stride %d,2 on %dx%d", kh, kw, sh, ih, iw).containsExactly(reference(x, planes, g));
    }

    @Test
    void planesTiledExactlyByTheirWindowsRunStackedWithTheSameResults() {
        // LeNet's pools: 2x2 stride 2 on 28 x 28 (6 planes) and 10 x 10 (16 planes); then a NaN in one plane
        for (int[] shape : new int[][] {{6, 28, 14}, {16, 10, 5}, {5, 9, 3}}) {
            int planes = shape[0];
            int ih = shape[1];
            int oh = shape[2];
            int k = ih / oh;
            float[] x = PoolGeometries.values(new Random(planes), planes * ih * ih);
            Window.Geometry g = new Window.Geometry(new int[] {k, k}, new int[] {k, k}, new int[] {1, 1},
                    new int[] {0, 0}, new int[] {0, 0}, new int[] {ih, ih}, new int[] {oh, oh});
            for (int threads = 1; threads <= 2; threads++) {
                float[] y = new float[planes * oh * oh];
                Pool2d.run(true, false, x, y, planes, g, threads);
                assertThat(y).as("%d planes of %d, %d threads", planes, ih, threads).containsExactly(reference(x, planes, g));
            }
            // A NaN as the last tap of plane planes/2's first window: that window keeps the max of the
            // taps before it (the generic rule; the reference's Math.max would give NaN), the rest as before.
            int at = (planes / 2) * ih * ih;
            x[at + (k - 1) * ih + k - 1] = Float.NaN;
            float[] y = new float[planes * oh * oh];
            Pool2d.run(true, false, x, y, planes, g, 1);
            float[] expected = reference(x, planes, g);
            float before = Float.NEGATIVE_INFINITY;
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                    if (ky < k - 1 || kx < k - 1) {
                        before = Math.max(before, x[at + ky * ih + kx]);
                    }
                }
            }
            expected[(planes / 2) * oh * oh] = before;
            assertThat(y).as("%d planes of %d with a NaN", planes, ih).containsExactly(expected);
        }
    }

    @Test
    void aPlaneWithNaNKeepsTheGenericRule() {
        assertThat(maxOf2x2(Float.NaN, 1, 2, 3)).isNaN();
    }

    @Test
    void aNaNAfterMinusInfinityWinsAsInTheGenericLoop() {
        // -inf is not "a value taken", so the NaN after it wins; the separable max alone would give 1.
        assertThat(maxOf2x2(Float.NEGATIVE_INFINITY, Float.NaN, 1, 2)).isNaN();
    }

    /** The max pool of one 2x2 plane with one 2x2 window. */
    private static float maxOf2x2(float... x) {
        Window.Geometry g = new Window.Geometry(new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {0, 0}, new int[] {0, 0}, new int[] {2, 2}, new int[] {1, 1});
        float[] y = new float[1];
        Pool2d.run(true, false, x, y, 1, g, 1);
        return y[0];
    }

    @Test
    void wideRowsWithANaNInOnePlaneOnly() {
        // Two 3x3 stride-2 planes 40 wide (vector rows): a NaN later in plane 1's windows loses to the
        // values before it (generic rule), plane 0 keeps the vector path; both match the reference.
        int iw = 40;
        int ow = 19;
        float[] x = new float[2 * 3 * iw];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * 7919 % 101) - 50;
        }
        x[3 * iw + iw + 5] = Float.NaN;
        Window.Geometry g = new Window.Geometry(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1},
                new int[] {0, 0}, new int[] {0, 0}, new int[] {3, iw}, new int[] {1, ow});
        float[] y = new float[2 * ow];
        Pool2d.run(true, false, x, y, 2, g, 1);
        float[] expected = reference(x, 2, g);
        // Math.max in the reference propagates the NaN; the generic rule drops a NaN that is not first.
        assertThat(Float.isNaN(expected[ow + 2])).isTrue();
        assertThat(y[ow + 2]).isEqualTo(Math.max(Math.max(x[3 * iw + iw + 4], x[3 * iw + iw + 6]),
                Math.max(max3(x, 3 * iw + 4), max3(x, 3 * iw + 2 * iw + 4))));
        for (int i = 0; i < y.length; i++) {
            if (!Float.isNaN(expected[i])) {
                assertThat(y[i]).as("output %d", i).isEqualTo(expected[i]);
            }
        }
    }

    /**
     * -inf then NaN as a window's first two taps: the generic rule takes the NaN (-inf is not a value
     * taken), the column-max-first register kernel alone would not. Every window of a 3x3 stride-2
     * plane in turn, so the NaN / infinity probe must see every part of the plane.
     */
    @Test
    void minusInfinityThenNaNInAnyWindowGivesNaN() {
        int ih = 11;
        int iw = 40;
        int oh = 5;
        int ow = 19;
        Window.Geometry g = new Window.Geometry(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1},
                new int[] {0, 0}, new int[] {0, 0}, new int[] {ih, iw}, new int[] {oh, ow});
        float[] base = PoolGeometries.values(new Random(5), ih * iw);
        float[] clean = reference(base, 1, g);
        for (int w = 0; w < oh * ow; w++) {
            float[] x = base.clone();
            int at = (w / ow) * 2 * iw + (w % ow) * 2;
            x[at] = Float.NEGATIVE_INFINITY;
            x[at + 1] = Float.NaN;
            float[] y = new float[oh * ow];
            Pool2d.run(true, false, x, y, 1, g, 1);
            assertThat(y[w]).as("window %d", w).isNaN();
            for (int i = 0; i < y.length; i++) {
                int dy = Math.abs(i / ow - w / ow);
                int dx = Math.abs(i % ow - w % ow);
                if (dy > 1 || dx > 1) {
                    assertThat(y[i]).as("window %d, output %d", w, i).isEqualTo(clean[i]);
                }
            }
        }
    }

    /**
     * A NaN heading a column of a window (its top row) with a larger value under it: the generic
     * rule skips the NaN once a value is taken and takes the larger value, while the register
     * kernel's column maximum keeps a column's first value when it is NaN and would lose the column.
     * For every top-row tap of every window of 3x3 stride-2 planes, unpadded and with a padding row
     * and column in front, 40 wide and 32-33 wide (16 windows end a 16-lane step exactly, so the
     * last window's third column is read by no other step): the NaN / infinity check folded into
     * the kernel must see every top-row column a window covers.
     */
    @Test
    void aNaNHeadingAnyColumnOfAWindowKeepsTheGenericRule() {
        for (int[] geometry : new int[][] {{0, 40}, {1, 40}, {0, 33}, {1, 32}}) {
            int pad = geometry[0];
            int ih = 11 - pad;
            int iw = geometry[1];
            int oh = 5;
            int ow = (iw + pad - 3) / 2 + 1;
            Window.Geometry g = new Window.Geometry(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1},
                    new int[] {pad, pad}, new int[] {0, 0}, new int[] {ih, iw}, new int[] {oh, ow});
            float[] base = PoolGeometries.values(new Random(7 + pad + iw), ih * iw);
            for (int w = 0; w < oh * ow; w++) {
                int top = Math.max(0, (w / ow) * 2 - pad);
                int left = (w % ow) * 2 - pad;
                for (int c = Math.max(0, left); c < Math.min(iw, left + 3); c++) {
                    float[] x = base.clone();
                    x[top * iw + c] = Float.NaN;
                    x[(top + 1) * iw + c] = 1000f;
                    float[] y = new float[oh * ow];
                    Pool2d.run(true, false, x, y, 1, g, 1);
                    assertThat(y).as("pad %d, width %d, window %d, column %d", pad, iw, w, c)
                            .containsExactly(firstTakenMax(x, g));
                }
            }
        }
    }

    /** The generic loop's rule, tap by tap in row-major order: a NaN wins only before any value is taken. */
    private static float[] firstTakenMax(float[] x, Window.Geometry g) {
        int ih = g.in()[0];
        int iw = g.in()[1];
        int oh = g.out()[0];
        int ow = g.out()[1];
        float[] y = new float[oh * ow];
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                float best = Float.NEGATIVE_INFINITY;
                boolean taken = false;
                for (int ky = 0; ky < g.k()[0]; ky++) {
                    for (int kx = 0; kx < g.k()[1]; kx++) {
                        int r = oy * g.s()[0] - g.padBegin()[0] + ky;
                        int c = ox * g.s()[1] - g.padBegin()[1] + kx;
                        if (r >= 0 && r < ih && c >= 0 && c < iw) {
                            float v = x[r * iw + c];
                            if (v > best || !taken && Float.isNaN(v)) {
                                best = v;
                                taken = true;
                            }
                        }
                    }
                }
                y[oy * ow + ox] = best;
            }
        }
        return y;
    }

    /**
     * Planes narrower or shorter than the window (windows clipped by the end padding, with and
     * without a padding row and column in front), 40 planes so that the array is long enough for
     * the vector path and a window reading past its row would see the next row's values: against
     * the reference. (Found the output count of rows narrower than the window rounded toward zero.)
     */
    @Test
    void planesSmallerThanTheWindowMatchTheReference() {
        Random random = new Random(11);
        for (int kh = 1; kh <= 3; kh++) {
            for (int kw = 2; kw <= 3; kw++) {
                for (int ph = 0; ph <= Math.min(1, kh - 1); ph++) {
                    for (int pw = 0; pw <= 1; pw++) {
                        for (int ih = 1; ih <= 3; ih++) {
                            for (int iw = 1; iw <= 3; iw++) {
                                int oh = Math.max(1, (ih + ph - 1) / 2 + 1);
                                int ow = Math.max(1, (iw + pw - 1) / 2 + 1);
                                int padBottom = Math.max(0, (oh - 1) * 2 + kh - ph - ih);
                                int padRight = Math.max(0, (ow - 1) * 2 + kw - pw - iw);
                                Window.Geometry g = new Window.Geometry(new int[] {kh, kw}, new int[] {2, 2},
                                        new int[] {1, 1}, new int[] {ph, pw}, new int[] {padBottom, padRight},
                                        new int[] {ih, iw}, new int[] {oh, ow});
                                int planes = 40;
                                float[] x = PoolGeometries.values(random, planes * ih * iw);
                                float[] y = new float[planes * oh * ow];
                                Pool2d.run(true, false, x, y, planes, g, 1);
                                assertThat(y).as("%dx%d window, pads %d/%d, plane %dx%d", kh, kw, ph, pw, ih, iw)
                                        .containsExactly(reference(x, planes, g));
                            }
                        }
                    }
                }
            }
        }
    }

    private static float max3(float[] x, int at) {
        return Math.max(x[at], Math.max(x[at + 1], x[at + 2]));
    }

    private static float[] reference(float[] x, int planes, Window.Geometry g) {
        int ih = g.in()[0];
        int iw = g.in()[1];
        int oh = g.out()[0];
        int ow = g.out()[1];
        float[] y = new float[planes * oh * ow];
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    float best = Float.NEGATIVE_INFINITY;
                    for (int ky = 0; ky < g.k()[0]; ky++) {
                        for (int kx = 0; kx < g.k()[1]; kx++) {
                            int r = oy * g.s()[0] - g.padBegin()[0] + ky;
                            int c = ox * g.s()[1] - g.padBegin()[1] + kx;
                            if (r >= 0 && r < ih && c >= 0 && c < iw) {
                                best = Math.max(best, x[p * ih * iw + r * iw + c]);
                            }
                        }
                    }
                    y[(p * oh + oy) * ow + ox] = best;
                }
            }
        }
        return y;
    }
}
