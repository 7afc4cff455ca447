package io.ghostflow.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.kernels.reference.ReferenceGemm;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Vector GEMM against {@link ReferenceGemm}: ragged shapes, transposes, alpha/beta, packing, epilogues, threads. */
class GemmTest {
    private static final Activation[] ACTS = {
        Activation.NONE, Activation.RELU, Activation.relu6(), Activation.clip(-0.3f, 0.4f), Activation.leakyRelu(0.1f),
        Activation.SIGMOID, Activation.TANH, Activation.hardSigmoid(0.2f, 0.5f), Activation.HARD_SWISH,
        Activation.GELU_ERF, Activation.GELU_TANH, Activation.SILU
    };

    private static int dim(Random r, int max) {
        return r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 1 + r.nextInt(max);
    }

    @Test
    void randomShapesTransposesAlphaBeta() {
        Random r = new Random(42);
        for (int iter = 0; iter < 150; iter++) {
            int m = dim(r, 70);
            int n = dim(r, 90);
            int k = iter % 25 == 0 ? 600 + r.nextInt(50) : dim(r, 80); // some K beyond one KC block
            boolean ta = r.nextBoolean();
            boolean tb = r.nextBoolean();
            float alpha = r.nextBoolean() ? 1f : r.nextFloat() * 2 - 1;
            float beta = switch (r.nextInt(3)) {
                case 0 -> 0f;
                case 1 -> 1f;
                default -> r.nextFloat() * 2 - 1;
            };
            int lda = (ta ? m : k) + r.nextInt(3);
            int ldb = (tb ? k : n) + r.nextInt(3);
            int ldc = n + r.nextInt(3);
            float[] a = Tolerances.random(r, (ta ? k : m) * lda + 2);
            float[] b = Tolerances.random(r, (tb ? n : k) * ldb + 3);
            float[] c0 = Tolerances.random(r, m * ldc + 1);
            if (beta == 0f) {
                c0[0] = Float.NaN; // beta == 0 must not read C
            }
            int mode = r.nextInt(3);
            int threads = 1 + r.nextInt(2);
            float[] got = c0.clone();
            float[] ref = c0.clone();
            switch (mode) {
                case 0 -> Gemm.gemm(m, n, k, alpha, a, 2, lda, ta, b, 3, ldb, tb, beta, got, 1, ldc, Epilogue.NONE, threads);
                case 1 -> Gemm.gemm(m, n, k, alpha, a, 2, lda, ta, Gemm.packB(b, 3, ldb, k, n, tb), beta, got, 1, ldc,
                        Epilogue.NONE, threads);
                default -> {
                    PackedA pa = Gemm.packA(a, 2, lda, m, k, ta);
                    Gemm.gemm(m, n, k, alpha, pa, b, 3, ldb, tb, beta, got, 1, ldc, Epilogue.NONE, threads);
                }
            }
            double[] abs = new double[m * n];
            ReferenceGemm.gemm(m, n, k, alpha, a, 2, lda, ta, b, 3, ldb, tb, beta, ref, 1, ldc, Epilogue.NONE, abs);
            compare("gemm m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb + " mode=" + mode,
                    got, ref, abs, m, n, 1, ldc);
        }
    }

    /**
     * Pre-packed A with K taken whole and all of N packed as one block (K x N up to 512 KiB, wider
     * than the GEMM scratch: a classifier on 13 x 13), and just past that bound (column blocks):
     * both against the reference, with a bias-and-ReLU epilogue, on one and two threads.
     */
    @Test
    void wholeNBlockOfPackedBMatchesReference() {
        Random r = new Random(11);
        int[][] shapes = {{37, 169, 520}, {8, 176, 744}, {21, 300, 520}, {5, 255, 513}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (int threads = 1; threads <= 2; threads++) {
                float[] a = Tolerances.random(r, m * k);
                float[] b = Tolerances.random(r, k * n + 5);
                float[] bias = Tolerances.random(r, m);
                Epilogue epi = Epilogue.of(Activation.RELU).withRowBias(bias, 0);
                float[] got = new float[m * n];
                float[] ref = new float[m * n];
                Gemm.gemm(m, n, k, 1f, Gemm.packA(a, 0, k, m, k, false), b, 5, n, false, 0f, got, 0, n, epi, threads);
                double[] abs = new double[m * n];
                ReferenceGemm.gemm(m, n, k, 1f, a, 0, k, false, b, 5, n, false, 0f, ref, 0, n, epi, abs);
                compare("m=" + m + " n=" + n + " k=" + k + " threads=" + threads, got, ref, abs, m, n, 0, n);
            }
        }
    }

    /**
     * Single-row GEMMs (a classifier on one sample) whose columns span four panels or more with a
     * partial last one, which the one-row kernel covers in passes of four panels: every column
     * count from 3 to 9 panels' worth, alpha and beta, K past one block, bias and ReLU, against the
     * reference.
     */
    @Test
    void singleRowsAcrossPartialPanels() {
        Random r = new Random(5);
        int nr = Gemm.tileColumns();
        for (int iter = 0; iter < 40; iter++) {
            int n = 3 * nr + 1 + r.nextInt(6 * nr);
            int k = iter % 5 == 0 ? 600 + r.nextInt(40) : 1 + r.nextInt(300);
            float alpha = iter % 3 == 0 ? 1f : 0.75f;
            float beta = iter % 4 == 0 ? 0.5f : 0f;
            float[] a = Tolerances.random(r, k);
            float[] b = Tolerances.random(r, k * n);
            float[] bias = Tolerances.random(r, n);
            Epilogue epi = iter % 2 == 0 ? Epilogue.NONE : Epilogue.of(Activation.RELU).withColumnBias(bias, 0);
            float[] c0 = Tolerances.random(r, n);
            float[] got = c0.clone();
            float[] ref = c0.clone();
            Gemm.gemm(1, n, k, alpha, a, 0, k, false, Gemm.packB(b, 0, k, n, false), beta, got, 0, n, epi, 1 + iter % 2);
            double[] abs = new double[n];
            ReferenceGemm.gemm(1, n, k, alpha, a, 0, k, false, b, 0, n, false, beta, ref, 0, n, epi, abs);
            compare("one row n=" + n + " k=" + k, got, ref, abs, 1, n, 0, n);
        }
    }

    /**
     * A single row large enough to be split over the threads (mobilenet_v2's 1280 -> 1000 head):
     * two threads give one thread's bits, packed and plain B, with a bias and ReLU, and both the
     * reference's values.
     */
    @Test
    void largeSingleRowsSplitOverThreadsEqualOneThreadBitForBit() {
        Random r = new Random(6);
        for (int iter = 0; iter < 4; iter++) {
            int k = 1024 + r.nextInt(512);
            int n = 1000 + r.nextInt(100);
            float[] a = Tolerances.random(r, k);
            float[] b = Tolerances.random(r, k * n);
            float[] bias = Tolerances.random(r, n);
            Epilogue epi = Epilogue.of(Activation.RELU).withColumnBias(bias, 0);
            float[] one = new float[n];
            float[] two = new float[n];
            if (iter % 2 == 0) {
                PackedB packed = Gemm.packB(b, 0, k, n, false);
                Gemm.gemm(1, n, k, 1f, a, 0, k, false, packed, 0f, one, 0, n, epi, 1);
                Gemm.gemm(1, n, k, 1f, a, 0, k, false, packed, 0f, two, 0, n, epi, 2);
            } else {
                Gemm.gemm(1, n, k, 1f, a, 0, k, false, b, 0, n, false, 0f, one, 0, n, epi, 1);
                Gemm.gemm(1, n, k, 1f, a, 0, k, false, b, 0, n, false, 0f, two, 0, n, epi, 2);
            }
            assertThat(two).as("k=%d n=%d", k, n).isEqualTo(one);
            float[] ref = new float[n];
            double[] abs = new double[n];
            ReferenceGemm.gemm(1, n, k, 1f, a, 0, k, false, b, 0, n, false, 0f, ref, 0, n, epi, abs);
            compare("one row n=" + n + " k=" + k, two, ref, abs, 1, n, 0, n);
        }
    }

    /** K past the whole-K limit: packed A is laid out block by block (PackedA.blocked), also in M stripes. */
    @Test
    void deepPackedAKBlockedLayout() {
        Random r = new Random(11);
        for (int iter = 0; iter < 8; iter++) {
            int m = 1 + r.nextInt(40);
            int n = 1 + r.nextInt(40);
            int k = 1025 + r.nextInt(700);
            float beta = iter % 2 == 0 ? 0f : 0.5f;
            float[] a = Tolerances.random(r, m * k);
            float[] b = Tolerances.random(r, k * n);
            float[] c0 = Tolerances.random(r, m * n);
            PackedA pa = Gemm.packA(a, 0, m, k, false);
            assertThat(pa.blocked).isTrue();
            float[] got = c0.clone();
            Gemm.gemm(m, n, k, 1f, pa, b, 0, n, false, beta, got, 0, n, Epilogue.NONE, 1 + iter % 2);
            float[] ref = c0.clone();
            double[] abs = new double[m * n];
            ReferenceGemm.gemm(m, n, k, 1f, a, 0, k, false, b, 0, n, false, beta, ref, 0, n, Epilogue.NONE, abs);
            compare("deep packed A m=" + m + " n=" + n + " k=" + k, got, ref, abs, m, n, 0, n);
        }
    }

    @Test
    void everyEpilogueBiasAndResidual() {
        Random r = new Random(7);
        for (Activation act : ACTS) {
            for (int variant = 0; variant < 4; variant++) {
                int m = dim(r, 40) + 3;
                int n = dim(r, 50) + 5;
                int k = dim(r, 60);
                float[] a = Tolerances.random(r, m * k);
                float[] b = Tolerances.random(r, k * n);
                float[] bias = Tolerances.random(r, Math.max(m, n) + 1);
                float[] res = Tolerances.random(r, m * n + 2);
                Epilogue epi = Epilogue.of(act);
                if ((variant & 1) != 0) {
                    epi = variant == 1 ? epi.withColumnBias(bias, 1) : epi.withRowBias(bias, 1);
                }
                if ((variant & 2) != 0) {
                    epi = epi.withResidual(res, 2, n);
                }
                float[] got = new float[m * n];
                float[] ref = new float[m * n];
                Gemm.gemm(m, n, k, a, 0, k, false, Gemm.packB(b, 0, k, n, false), got, 0, n, epi, 2);
                double[] abs = new double[m * n];
                ReferenceGemm.gemm(m, n, k, 1f, a, 0, k, false, b, 0, n, false, 0f, ref, 0, n, epi, abs);
                for (int i = 0; i < m * n; i++) {
                    abs[i] += 1.0 + 1.0; // |bias| + |residual| <= 1 each
                }
                compare("epilogue " + epi, got, ref, abs, m, n, 0, n);
            }
        }
    }

    /**
     * Shallow K and few rows with A packed and B plain read B in place (GemmDirectB): against the
     * reference, and bit for bit against the packed path (A plain, B pre-packed), with row and
     * column remainders, every epilogue kind and both thread counts.
     */
    @Test
    void directBMatchesReferenceAndPackedPathBitForBit() {
        Random r = new Random(23);
        for (int iter = 0; iter < 120; iter++) {
            int m = GemmBlocking.MR + r.nextInt(GemmDirectB.MAX_M - GemmBlocking.MR + 3);
            // every tenth one wide enough that a shallow K takes several 64 KiB column blocks
            int n = iter % 10 == 9 ? 900 + r.nextInt(700) : GemmBlocking.NR + r.nextInt(150);
            int k = 1 + r.nextInt(GemmDirectB.MAX_K);
            float[] a = Tolerances.random(r, m * k);
            float[] b = Tolerances.random(r, k * n + 5);
            float[] bias = Tolerances.random(r, Math.max(m, n) + 1);
            float[] res = Tolerances.random(r, m * n + 2);
            Epilogue epi = Epilogue.of(ACTS[r.nextInt(ACTS.length)]);
            switch (iter % 4) {
                case 1 -> epi = epi.withRowBias(bias, 1);
                case 2 -> epi = epi.withRowBias(bias, 1).withResidual(res, 2, n);
                case 3 -> epi = epi.withColumnBias(bias, 1);
                default -> { }
            }
            int threads = 1 + iter % 2;
            float alpha = iter % 5 == 0 ? 0.75f : 1f;
            float[] got = new float[m * n];
            Gemm.gemm(m, n, k, alpha, Gemm.packA(a, 0, m, k, false), b, 5, n, false, 0f, got, 0, n, epi, threads);
            float[] packed = new float[m * n];
            float[] bShifted = java.util.Arrays.copyOfRange(b, 5, 5 + k * n);
            Gemm.gemm(m, n, k, alpha, a, 0, k, false, Gemm.packB(bShifted, 0, k, n, false), 0f, packed, 0, n, epi, 1);
            String what = "direct B m=" + m + " n=" + n + " k=" + k + " threads=" + threads + " " + epi;
            assertThat(got).as(what).containsExactly(packed);
            float[] ref = new float[m * n];
            double[] abs = new double[m * n];
            ReferenceGemm.gemm(m, n, k, alpha, a, 0, k, false, b, 5, n, false, 0f, ref, 0, n, epi, abs);
            for (int i = 0; i < m * n; i++) {
                abs[i] += 2.0; // |bias| + |residual| <= 1 each
            }
            compare(what, got, ref, abs, m, n, 0, n);
        }
    }

    /**
     * Split over M (more row tiles than column tiles), two threads pack B once for both stripes
     * (Gemm.sharedPacking): the same bits as one thread, which packs it block by block, for plain
     * and transposed B, plain and pre-packed A, K within one block, within the whole-K limit and
     * beyond it; and against the reference.
     */
    @Test
    void sharedPackingOfBMatchesOneThreadBitForBit() {
        Random r = new Random(31);
        int[] depths = {40, 300, 1100};
        for (int iter = 0; iter < 18; iter++) {
            int m = 120 + r.nextInt(90);
            int n = 1 + r.nextInt(60);
            int k = depths[iter % 3] + r.nextInt(20);
            boolean tb = iter % 2 == 1;
            boolean packA = (iter / 2) % 3 != 0;
            float[] a = Tolerances.random(r, m * k);
            float[] b = Tolerances.random(r, k * n);
            float[] bias = Tolerances.random(r, m);
            Epilogue epi = Epilogue.of(Activation.RELU).withRowBias(bias, 0);
            float[][] out = new float[2][m * n];
            for (int threads = 1; threads <= 2; threads++) {
                if (packA) {
                    Gemm.gemm(m, n, k, 1f, Gemm.packA(a, 0, m, k, false), b, 0, tb ? k : n, tb, 0f, out[threads - 1], 0, n,
                            epi, threads);
                } else {
                    Gemm.gemm(m, n, k, 1f, a, 0, k, false, b, 0, tb ? k : n, tb, 0f, out[threads - 1], 0, n, epi, threads);
                }
            }
            String what = "shared B m=" + m + " n=" + n + " k=" + k + " transB=" + tb + " packedA=" + packA;
            assertThat(out[1]).as(what).containsExactly(out[0]);
            float[] ref = new float[m * n];
            double[] abs = new double[m * n];
            ReferenceGemm.gemm(m, n, k, 1f, a, 0, k, false, b, 0, tb ? k : n, tb, 0f, ref, 0, n, epi, abs);
            for (int i = 0; i < m * n; i++) {
                abs[i] += 1.0; // |bias| <= 1
            }
            compare(what, out[1], ref, abs, m, n, 0, n);
        }
    }

    @Test
    void largeSquareMultiThreadedMatchesSingleThreaded() {
        Random r = new Random(3);
        int n = 301;
        float[] a = Tolerances.random(r, n * n);
        float[] b = Tolerances.random(r, n * n);
        PackedB pb = Gemm.packB(b, 0, n, n, false);
        float[] one = new float[n * n];
        float[] two = new float[n * n];
        Gemm.gemm(n, n, n, a, 0, n, false, pb, one, 0, n, Epilogue.NONE, 1);
        Gemm.gemm(n, n, n, a, 0, n, false, pb, two, 0, n, Epilogue.NONE, 2);
        // Each element is computed by one thread in the same order: identical bits.
        assertThat(two).containsExactly(one);
        float[] ref = new float[n * n];
        double[] abs = new double[n * n];
        ReferenceGemm.gemm(n, n, n, 1f, a, 0, n, false, b, 0, n, false, 0f, ref, 0, n, null, abs);
        compare("301^3", one, ref, abs, n, n, 0, n);
    }

    @Test
    void zeroDepthScalesC() {
        float[] c = {1f, Float.NaN, 3f, 4f};
        Gemm.gemm(2, 2, 0, 1f, new float[0], 0, 0, false, new float[0], 0, 2, false, 0f, c, 0, 2,
                Epilogue.NONE.withColumnBias(new float[] {5f, 6f}, 0), 1);
        assertThat(c).containsExactly(5f, 6f, 5f, 6f);
    }

    @Test
    void bothMicroKernelsMatchReference() {
        // Exercise the 6-row and 4-row kernels directly, whichever the driver picked on this CPU.
        Random r = new Random(11);
        int nr = GemmBlocking.NR;
        for (int rows : new int[] {4, 6}) {
            int kc = 37;
            float[] a = Tolerances.random(r, kc * rows);
            float[] b = Tolerances.random(r, kc * nr);
            float[] c = Tolerances.random(r, rows * nr);
            float[] c0 = c.clone();
            float[] expect = new float[rows * nr];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < nr; j++) {
                    double s = 0;
                    for (int p = 0; p < kc; p++) {
                        s += (double) a[p * rows + i] * b[p * nr + j];
                    }
                    expect[i * nr + j] = (float) (0.5 * s + c[i * nr + j]);
                }
            }
            float[] set = new float[rows * nr];
            if (rows == 6) {
                GemmMicroKernel.kernel6Add(kc, a, 0, b, 0, c, 0, nr, 0.5f, 1f);
                GemmMicroKernel.kernel6Set(kc, a, 0, b, 0, set, 0, nr, 0.5f);
            } else {
                GemmMicroKernel.kernel4Add(kc, a, 0, b, 0, c, 0, nr, 0.5f, 1f);
                GemmMicroKernel.kernel4Set(kc, a, 0, b, 0, set, 0, nr, 0.5f);
            }
            for (int i = 0; i < expect.length; i++) {
                assertThat((double) c[i]).as("kernel%dAdd[%d]", rows, i).isCloseTo(expect[i],
                        org.assertj.core.data.Offset.offset(1e-4 * kc));
                assertThat((double) set[i]).as("kernel%dSet[%d]", rows, i).isCloseTo(expect[i] - c0[i],
                        org.assertj.core.data.Offset.offset(1e-4 * kc));
            }
        }
    }

    /**
     * N just past a multiple of the tile width (49 = 3 x 16 + 1, resnet's and mobilenet's 7 x 7
     * layers): the narrow last panel runs 8 rows at a time. Checked against the reference, and bit
     * for bit against the same columns computed inside full tiles (N widened to a multiple of NR
     * with extra columns), since batching and stripes must not change any element's sums.
     */
    @Test
    void narrowLastPanelMatchesReferenceAndFullTiles() {
        Random r = new Random(49);
        int[] ns = {49, 57, 100, 17, 8, 1, 50, 35, 51, 52, 19};
        for (int iter = 0; iter < 66; iter++) {
            int n = ns[iter % ns.length];
            int m = 8 + r.nextInt(63);
            int k = iter % 3 == 0 ? 300 + r.nextInt(301) : 1 + r.nextInt(80); // some K beyond one KC block
            float alpha = iter % 4 == 0 ? 1f : r.nextFloat() * 2 - 1;
            float beta = switch (iter % 3) {
                case 0 -> 0f;
                case 1 -> 1f;
                default -> r.nextFloat() * 2 - 1;
            };
            int wide = (n + GemmBlocking.NR - 1) / GemmBlocking.NR * GemmBlocking.NR;
            float[] a = Tolerances.random(r, m * k);
            float[] bw = Tolerances.random(r, k * wide);
            float[] b = new float[k * n];
            for (int p = 0; p < k; p++) {
                System.arraycopy(bw, p * wide, b, p * n, n);
            }
            float[] bias = Tolerances.random(r, wide);
            Epilogue epi = iter % 2 == 0 ? Epilogue.of(Activation.RELU).withColumnBias(bias, 0) : Epilogue.NONE;
            int threads = 1 + (iter / 2) % 2;
            float[] c0 = Tolerances.random(r, m * n);
            float[] got = c0.clone();
            PackedA pa = Gemm.packA(a, 0, m, k, false);
            if (iter % 3 == 2) {
                Gemm.gemm(m, n, k, alpha, a, 0, k, false, Gemm.packB(b, 0, k, n, false), beta, got, 0, n, epi, threads);
            } else {
                Gemm.gemm(m, n, k, alpha, pa, b, 0, n, false, beta, got, 0, n, epi, threads);
            }
            float[] ref = c0.clone();
            double[] abs = new double[m * n];
            ReferenceGemm.gemm(m, n, k, alpha, a, 0, k, false, b, 0, n, false, beta, ref, 0, n, epi, abs);
            for (int i = 0; i < m * n; i++) {
                abs[i] += 1.0; // |bias| <= 1
            }
            String what = "narrow edge m=" + m + " n=" + n + " k=" + k + " threads=" + threads;
            compare(what, got, ref, abs, m, n, 0, n);

            float[] full = new float[m * wide];
            for (int i = 0; i < m; i++) {
                System.arraycopy(c0, i * n, full, i * wide, n);
            }
            Gemm.gemm(m, wide, k, alpha, pa, bw, 0, wide, false, beta, full, 0, wide, epi, 1);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    assertThat(Float.floatToRawIntBits(got[i * n + j])).as("%s [%d,%d]", what, i, j)
                            .isEqualTo(Float.floatToRawIntBits(full[i * wide + j]));
                }
            }
        }
    }

    private static void compare(String what, float[] got, float[] ref, double[] abs, int m, int n, int cOff, int ldc) {
        float[] g = new float[m * n];
        float[] e = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                g[i * n + j] = got[cOff + i * ldc + j];
                e[i * n + j] = ref[cOff + i * ldc + j];
            }
        }
        Tolerances.assertDotClose(what, g, e, abs);
        // Padding between rows (ldc > n) and before cOff must be untouched.
        for (int i = 0; i < got.length; i++) {
            int rel = i - cOff;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside) {
                assertThat(Float.floatToRawIntBits(got[i])).as(what + " untouched " + i)
                        .isEqualTo(Float.floatToRawIntBits(ref[i]));
            }
        }
    }

    /**
     * One row at a time gives the same bits as the same rows in one batched call (the single-row
     * path and the edge kernels accumulate exactly as the full tiles do): batching in a server
     * must not change any request's answer.
     */
    @Test
    void singleRowsEqualTheirBatchedRowsBitForBit() {
        Random r = new Random(7);
        for (int iter = 0; iter < 40; iter++) {
            int m = 2 + r.nextInt(9);
            int n = 1 + r.nextInt(150);
            int k = iter % 4 == 0 ? 520 + r.nextInt(200) : 1 + r.nextInt(120);
            float alpha = iter % 3 == 0 ? 1f : 0.75f;
            float beta = iter % 2 == 0 ? 0f : 0.5f;
            float[] a = Tolerances.random(r, m * k);
            float[] bias = Tolerances.random(r, n);
            float[] c0 = Tolerances.random(r, m * n);
            PackedB b = Gemm.packB(Tolerances.random(r, k * n), 0, k, n, false);
            Epilogue epi = Epilogue.of(iter % 2 == 0 ? Activation.RELU : Activation.NONE).withColumnBias(bias, 0);
            int threads = 1 + iter % 2;
            float[] batched = c0.clone();
            Gemm.gemm(m, n, k, alpha, a, 0, k, false, b, beta, batched, 0, n, epi, threads);
            float[] single = c0.clone();
            for (int i = 0; i < m; i++) {
                Gemm.gemm(1, n, k, alpha, a, i * k, k, false, b, beta, single, i * n, n, epi, threads);
            }
            assertThat(single).as("m=%d n=%d k=%d", m, n, k).containsExactly(batched);
        }
    }

    /**
     * Row panels paired into 8-row tiles (GemmPairKernel, with 32 vector registers) give the same bits
     * as the same rows paired differently: rows [0, 4) and [4, m) in two calls shift every pair by a
     * panel. Pre-packed A (with B read in place for K up to GemmDirectB.MAX_K), pre-packed B (blocked by
     * K beyond the whole-K limit) and both raw; bias and clamp in registers, residuals, alpha and beta;
     * and against the reference.
     */
    @Test
    void pairedRowPanelsEqualShiftedRowsBitForBit() {
        Random r = new Random(41);
        for (int iter = 0; iter < 48; iter++) {
            // every fifth M is one past a multiple of 8: nine-row tiles (whole) against pairs (shifted)
            int m = iter % 5 == 0 ? 9 + 8 * r.nextInt(5) : 8 + r.nextInt(40);
            int n = 1 + r.nextInt(iter % 6 == 5 ? 600 : 150);
            int k = switch (iter % 3) {
                case 0 -> 65 + r.nextInt(GemmDirectB.MAX_K - 64);
                case 1 -> 200 + r.nextInt(400);
                default -> 1025 + r.nextInt(400);
            };
            int mode = iter % 4;
            boolean plainC = mode == 0 || iter % 8 < 4;
            float alpha = iter % 5 == 0 ? 0.75f : 1f;
            float beta = plainC ? 0f : 0.5f;
            float[] a = Tolerances.random(r, m * k);
            float[] b = Tolerances.random(r, k * n);
            float[] bias = Tolerances.random(r, m);
            float[] res = Tolerances.random(r, m * n);
            float[] c0 = Tolerances.random(r, m * n);
            Activation act = ACTS[r.nextInt(ACTS.length)];
            boolean residual = iter % 7 == 3;
            float[] whole = c0.clone();
            run(mode, 0, m, n, k, alpha, a, b, beta, whole, epilogue(act, bias, res, residual, n, 0), 1 + iter % 2);
            float[] split = c0.clone();
            run(mode, 0, 4, n, k, alpha, a, b, beta, split, epilogue(act, bias, res, residual, n, 0), 1);
            run(mode, 4, m - 4, n, k, alpha, a, b, beta, split, epilogue(act, bias, res, residual, n, 4), 1 + iter % 2);
            String what = "pairs mode=" + mode + " m=" + m + " n=" + n + " k=" + k + " beta=" + beta + " " + act;
            assertThat(split).as(what).containsExactly(whole);
            float[] ref = c0.clone();
            double[] abs = new double[m * n];
            ReferenceGemm.gemm(m, n, k, alpha, a, 0, k, false, b, 0, n, false, beta, ref, 0, n,
                    epilogue(act, bias, res, residual, n, 0), abs);
            for (int i = 0; i < m * n; i++) {
                abs[i] += 2.0 + Math.abs(c0[i]); // |bias| + |residual| <= 1 each, beta * |C| <= |C|
            }
            compare(what, whole, ref, abs, m, n, 0, n);
        }
    }

    /** Row bias (and optionally a residual) for rows from row0 on, as a caller computing a row slice binds them. */
    private static Epilogue epilogue(Activation act, float[] bias, float[] res, boolean residual, int n, int row0) {
        Epilogue e = Epilogue.of(act).withRowBias(bias, row0);
        return residual ? e.withResidual(res, row0 * n, n) : e;
    }

    /** Rows [row0, row0 + rows) of C = alpha * A * B + beta * C in the given operand mode (0 packed A, 1 packed B, 2-3 raw). */
    private static void run(int mode, int row0, int rows, int n, int k, float alpha, float[] a, float[] b, float beta,
                            float[] c, Epilogue epi, int threads) {
        switch (mode) {
            case 0 -> Gemm.gemm(rows, n, k, alpha, Gemm.packA(a, row0 * k, rows, k, false), b, 0, n, false, beta, c,
                    row0 * n, n, epi, threads);
            case 1 -> Gemm.gemm(rows, n, k, alpha, a, row0 * k, k, false, Gemm.packB(b, 0, k, n, false), beta, c,
                    row0 * n, n, epi, threads);
            default -> Gemm.gemm(rows, n, k, alpha, a, row0 * k, k, false, b, 0, n, false, beta, c, row0 * n, n, epi,
                    threads);
        }
    }
}
