package io.ghostflow.runtime.ops.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The blocked/vectorised sgemm against a plain triple loop in double (tolerance 1e-4 relative to k). */
class MatMulKernelTest {
    @Test
    void matchesNaiveProductForOddShapesTransposesOffsetsAndAccumulation() {
        Random rnd = new Random(7);
        int[][] sizes = {{1, 1, 1}, {3, 5, 7}, {4, 17, 9}, {13, 64, 300}, {9, 1, 513}, {70, 600, 33}};
        for (int[] s : sizes) {
            for (int variant = 0; variant < 8; variant++) {
                boolean ta = (variant & 1) != 0;
                boolean tb = (variant & 2) != 0;
                boolean acc = (variant & 4) != 0;
                int m = s[0];
                int n = s[1];
                int k = s[2];
                int off = 3;
                float[] a = rand(rnd, off + m * k);
                float[] b = rand(rnd, off + k * n);
                float[] c = rand(rnd, off + m * n);
                float[] c0 = c.clone();
                MatMulKernel.sgemm(m, n, k, a, off, ta ? m : k, ta, b, off, tb ? k : n, tb, c, off, n, acc, 2);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double e = acc ? c0[off + i * n + j] : 0;
                        for (int p = 0; p < k; p++) {
                            e += (double) a[off + (ta ? p * m + i : i * k + p)] * b[off + (tb ? j * k + p : p * n + j)];
                        }
                        assertThat((double) c[off + i * n + j]).as("m=%d n=%d k=%d variant=%d (%d,%d)", m, n, k, variant, i, j)
                                .isCloseTo(e, within(1e-4 * Math.sqrt(k) + 1e-5));
                    }
                }
                assertThat(c[0]).isEqualTo(c0[0]);
            }
        }
    }

    private static float[] rand(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
