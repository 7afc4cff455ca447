package io.ghostflow.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.kernels.reference.ReferenceIntGemm;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** MatMulInteger kernel against the scalar reference: every signedness pair and zero-point layout, exact. */
class IntGemmTest {
    @Test
    void allSignednessCombinationsAndZeroPoints() {
        Random r = new Random(8);
        for (int iter = 0; iter < 64; iter++) {
            boolean ua = (iter & 1) != 0;
            boolean ub = (iter & 2) != 0;
            int m = 1 + r.nextInt(9);
            int n = 1 + r.nextInt(150);
            int k = 1 + r.nextInt(70);
            byte[] a = new byte[m * k];
            byte[] b = new byte[k * n];
            r.nextBytes(a);
            r.nextBytes(b);
            int[] za = switch ((iter >> 2) % 3) {
                case 0 -> null;
                case 1 -> new int[] {ua ? r.nextInt(256) : r.nextInt(256) - 128};
                default -> randomZeros(r, m, ua);
            };
            int[] zb = switch ((iter >> 3) % 3) {
                case 0 -> null;
                case 1 -> new int[] {ub ? r.nextInt(256) : r.nextInt(256) - 128};
                default -> randomZeros(r, n, ub);
            };
            int[] got = new int[m * n];
            int[] ref = new int[m * n];
            IntGemm.gemm(m, n, k, a, 0, ua, za, b, 0, ub, zb, got, 0, 1 + (iter & 1));
            ReferenceIntGemm.gemm(m, n, k, a, ua, za, b, ub, zb, ref);
            assertThat(got).as("ua=%s ub=%s m=%d n=%d k=%d", ua, ub, m, n, k).containsExactly(ref);
        }
    }

    /** Shapes of a transformer (M = tokens up to 40, ragged N) and depths past the exact-float chunk (258). */
    @Test
    void tallDepthsAndExtremeValuesSplitIntoExactChunks() {
        Random r = new Random(81);
        for (int iter = 0; iter < 24; iter++) {
            boolean ua = (iter & 1) != 0;
            boolean ub = (iter & 2) != 0;
            int m = 1 + r.nextInt(40);
            int n = 1 + r.nextInt(140);
            int k = 200 + r.nextInt(500);
            boolean extreme = (iter & 4) != 0;
            byte[] a = operand(r, m * k, ua, extreme);
            byte[] b = operand(r, k * n, ub, extreme);
            int[] za = extreme ? new int[] {ua ? 0 : -128} : (iter & 8) != 0 ? randomZeros(r, m, ua) : null;
            int[] zb = extreme ? new int[] {ub ? 0 : -128} : (iter & 16) != 0 ? randomZeros(r, n, ub) : null;
            int[] got = new int[m * n];
            int[] ref = new int[m * n];
            IntGemm.gemm(m, n, k, a, 0, ua, za, b, 0, ub, zb, got, 0, 1 + (iter & 1));
            ReferenceIntGemm.gemm(m, n, k, a, ua, za, b, ub, zb, ref);
            assertThat(got).as("ua=%s ub=%s m=%d n=%d k=%d extreme=%s", ua, ub, m, n, k, extreme).containsExactly(ref);
        }
    }

    /**
     * Float A (A - za as exact floats, row-major with a row stride and offset) to float C: each
     * value is the int32 result rounded to float, for single-chunk and chunked depths, ragged
     * M (the zero-padded last block) and N, against the scalar reference.
     */
    @Test
    void floatOperandsGiveTheIntResultRoundedToFloat() {
        Random r = new Random(82);
        for (int iter = 0; iter < 40; iter++) {
            boolean ua = (iter & 1) != 0;
            boolean ub = (iter & 2) != 0;
            boolean deep = (iter & 4) != 0;
            boolean extreme = (iter & 8) != 0;
            int m = 1 + r.nextInt(37);
            int n = 1 + r.nextInt(140);
            int k = deep ? 300 + r.nextInt(400) : 1 + r.nextInt(130);
            byte[] a = operand(r, m * k, ua, extreme);
            byte[] b = operand(r, k * n, ub, extreme);
            int[] za = extreme ? new int[] {ua ? 0 : -128} : new int[] {ua ? r.nextInt(256) : r.nextInt(256) - 128};
            int[] zb = extreme ? new int[] {ub ? 0 : -128} : (iter & 16) != 0 ? randomZeros(r, n, ub) : null;
            int[] ref = new int[m * n];
            ReferenceIntGemm.gemm(m, n, k, a, ua, za, b, ub, zb, ref);
            int lda = k + r.nextInt(3);
            int aOff = r.nextInt(5);
            float[] af = new float[aOff + m * lda];
            int maxA = 0;
            for (int i = 0; i < m; i++) {
                for (int kk = 0; kk < k; kk++) {
                    int v = (ua ? a[i * k + kk] & 0xFF : a[i * k + kk]) - za[0];
                    af[aOff + i * lda + kk] = v;
                    maxA = Math.max(maxA, Math.abs(v));
                }
            }
            int ldc = n + r.nextInt(3);
            int cOff = r.nextInt(4);
            float[] got = new float[cOff + m * ldc];
            IntGemm.gemmExact(m, af, aOff, lda, maxA, IntGemm.packB(b, 0, n, k, n, ub, zb), got, cOff, ldc, 1 + (iter & 1));
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    assertThat(got[cOff + i * ldc + j]).as("m=%d n=%d k=%d at %d,%d", m, n, k, i, j).isEqualTo((float) ref[i * n + j]);
                }
            }
        }
    }

    @Test
    void emptyDepthGivesZeros() {
        int[] got = {7, 7, 7, 7, 7, 7};
        IntGemm.gemm(2, 3, 0, new byte[0], 0, true, null, new byte[0], 0, false, null, got, 0, 1);
        assertThat(got).containsOnly(0);
    }

    /**
     * Random bytes, or with {@code extreme} every value at the top of the type's range: with the
     * zero points the tests pair it with (0 or -128), every |value - zero point| is 255 and all
     * products have one sign, the largest sums there are.
     */
    private static byte[] operand(Random r, int size, boolean unsigned, boolean extreme) {
        byte[] v = new byte[size];
        if (extreme) {
            java.util.Arrays.fill(v, (byte) (unsigned ? 255 : 127));
        } else {
            r.nextBytes(v);
        }
        return v;
    }

    private static int[] randomZeros(Random r, int count, boolean unsigned) {
        int[] z = new int[count];
        for (int i = 0; i < count; i++) {
            z[i] = unsigned ? r.nextInt(256) : r.nextInt(256) - 128;
        }
        return z;
    }
}
