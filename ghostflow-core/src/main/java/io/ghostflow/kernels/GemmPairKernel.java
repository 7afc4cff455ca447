package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.L;
import static io.ghostflow.kernels.GemmBlocking.MR;
import static io.ghostflow.kernels.GemmBlocking.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * 8 x 2-vector register tiles over two adjacent 4-row panels of packed A (at {@code ao} and
 * {@code ao2}), for ISAs with 32 vector registers: 16 accumulators, two B vectors and a broadcast.
 * The 4 x 2 tile has 8 accumulators, exactly the FMAs in flight that two 4-cycle FMA pipes need, so
 * any stall costs throughput, and each B vector it loads feeds 4 FMAs; here it feeds 8, with twice
 * the independent chains. The packed layouts stay those of the 4-row kernels (the pair reads two
 * panels), so weights packed once serve both.
 *
 * <p>Each output is the same FMA chain over k as in {@link GemmMicroKernel}'s 4-row kernel of the
 * same name, followed by the same store operations, so results are bit-identical to it (and a batch
 * to its single images, whichever rows happen to be paired). Written out, one copy per variant, for the same
 * reasons as the 4-row kernels: C2 keeps only explicit locals in registers, and a vector crossing a
 * call it does not inline is boxed.
 */
final class GemmPairKernel {
    /** Rows of a pair tile. */
    static final int ROWS = 2 * MR;

    /**
     * Whether pairs apply: 4-row panels and 32 vector registers (16 lanes of fp32: AVX-512; with 16
     * registers the 16 accumulators would spill). -Dghostflow.gemm.pairs=false turns them off for comparison.
     */
    static final boolean ENABLED = MR == 4 && L >= 16
            && Boolean.parseBoolean(System.getProperty("ghostflow.gemm.pairs", "true"));

    private GemmPairKernel() {
    }

    /** c = alpha * acc for rows 0..7 (C not read); {@link GemmMicroKernel#kernel4Set}. */
    static void kernel8Set(int kc, float[] a, int ao, int ao2, float[] b, int bo, float[] c, int co, int ldc,
            float alpha) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int ap2 = ao2;
        int bp = bo;
        for (int ap = ao, aEnd = ao + 4 * kc; ap < aEnd; ap += 4, ap2 += 4, bp += 2 * L) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ap + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ap2 + 0]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ap2 + 1]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[ap2 + 2]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ap2 + 3]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        c00.mul(alpha).intoArray(c, co + 0 * ldc);
        c01.mul(alpha).intoArray(c, co + 0 * ldc + L);
        c10.mul(alpha).intoArray(c, co + 1 * ldc);
        c11.mul(alpha).intoArray(c, co + 1 * ldc + L);
        c20.mul(alpha).intoArray(c, co + 2 * ldc);
        c21.mul(alpha).intoArray(c, co + 2 * ldc + L);
        c30.mul(alpha).intoArray(c, co + 3 * ldc);
        c31.mul(alpha).intoArray(c, co + 3 * ldc + L);
        c40.mul(alpha).intoArray(c, co + 4 * ldc);
        c41.mul(alpha).intoArray(c, co + 4 * ldc + L);
        c50.mul(alpha).intoArray(c, co + 5 * ldc);
        c51.mul(alpha).intoArray(c, co + 5 * ldc + L);
        c60.mul(alpha).intoArray(c, co + 6 * ldc);
        c61.mul(alpha).intoArray(c, co + 6 * ldc + L);
        c70.mul(alpha).intoArray(c, co + 7 * ldc);
        c71.mul(alpha).intoArray(c, co + 7 * ldc + L);
    }

    /** c = alpha * acc + cs * c; {@link GemmMicroKernel#kernel4Add}. */
    static void kernel8Add(int kc, float[] a, int ao, int ao2, float[] b, int bo, float[] c, int co, int ldc,
            float alpha, float cs) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int ap2 = ao2;
        int bp = bo;
        for (int ap = ao, aEnd = ao + 4 * kc; ap < aEnd; ap += 4, ap2 += 4, bp += 2 * L) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ap + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ap2 + 0]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ap2 + 1]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[ap2 + 2]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ap2 + 3]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        c00.mul(alpha).add(FloatVector.fromArray(S, c, co + 0 * ldc).mul(cs)).intoArray(c, co + 0 * ldc);
        c01.mul(alpha).add(FloatVector.fromArray(S, c, co + 0 * ldc + L).mul(cs)).intoArray(c, co + 0 * ldc + L);
        c10.mul(alpha).add(FloatVector.fromArray(S, c, co + 1 * ldc).mul(cs)).intoArray(c, co + 1 * ldc);
        c11.mul(alpha).add(FloatVector.fromArray(S, c, co + 1 * ldc + L).mul(cs)).intoArray(c, co + 1 * ldc + L);
        c20.mul(alpha).add(FloatVector.fromArray(S, c, co + 2 * ldc).mul(cs)).intoArray(c, co + 2 * ldc);
        c21.mul(alpha).add(FloatVector.fromArray(S, c, co + 2 * ldc + L).mul(cs)).intoArray(c, co + 2 * ldc + L);
        c30.mul(alpha).add(FloatVector.fromArray(S, c, co + 3 * ldc).mul(cs)).intoArray(c, co + 3 * ldc);
        c31.mul(alpha).add(FloatVector.fromArray(S, c, co + 3 * ldc + L).mul(cs)).intoArray(c, co + 3 * ldc + L);
        c40.mul(alpha).add(FloatVector.fromArray(S, c, co + 4 * ldc).mul(cs)).intoArray(c, co + 4 * ldc);
        c41.mul(alpha).add(FloatVector.fromArray(S, c, co + 4 * ldc + L).mul(cs)).intoArray(c, co + 4 * ldc + L);
        c50.mul(alpha).add(FloatVector.fromArray(S, c, co + 5 * ldc).mul(cs)).intoArray(c, co + 5 * ldc);
        c51.mul(alpha).add(FloatVector.fromArray(S, c, co + 5 * ldc + L).mul(cs)).intoArray(c, co + 5 * ldc + L);
        c60.mul(alpha).add(FloatVector.fromArray(S, c, co + 6 * ldc).mul(cs)).intoArray(c, co + 6 * ldc);
        c61.mul(alpha).add(FloatVector.fromArray(S, c, co + 6 * ldc + L).mul(cs)).intoArray(c, co + 6 * ldc + L);
        c70.mul(alpha).add(FloatVector.fromArray(S, c, co + 7 * ldc).mul(cs)).intoArray(c, co + 7 * ldc);
        c71.mul(alpha).add(FloatVector.fromArray(S, c, co + 7 * ldc + L).mul(cs)).intoArray(c, co + 7 * ldc + L);
    }

    /**
     * {@link #kernel8Set} with a ninth row, the first of the panel at {@code ao3}: an odd plane's
     * pixels as rows (49, 169, 729 and 3025 are all 1 more than a multiple of 8) leave one row after
     * the pairs, and that row alone streamed the whole B block from L2 for 1 / 8 of the work (49 x 512
     * x 4608 with B pre-packed ran at 76% of peak against 85% for 48 rows). 18 accumulators, two B
     * vectors and a broadcast fit the 32 registers; every row is the same FMA chain and store as in
     * the 4- and 8-row kernels.
     */
    static void kernel9Set(int kc, float[] a, int ao, int ao2, int ao3, float[] b, int bo, float[] c, int co, int ldc,
            float alpha) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
        int ap2 = ao2;
        int ap3 = ao3;
        int bp = bo;
        for (int ap = ao, aEnd = ao + 4 * kc; ap < aEnd; ap += 4, ap2 += 4, ap3 += 4, bp += 2 * L) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ap + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ap2 + 0]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ap2 + 1]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[ap2 + 2]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ap2 + 3]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            FloatVector a8 = FloatVector.broadcast(S, a[ap3 + 0]);
            c80 = a8.fma(b0, c80);
            c81 = a8.fma(b1, c81);
        }
        c00.mul(alpha).intoArray(c, co + 0 * ldc);
        c01.mul(alpha).intoArray(c, co + 0 * ldc + L);
        c10.mul(alpha).intoArray(c, co + 1 * ldc);
        c11.mul(alpha).intoArray(c, co + 1 * ldc + L);
        c20.mul(alpha).intoArray(c, co + 2 * ldc);
        c21.mul(alpha).intoArray(c, co + 2 * ldc + L);
        c30.mul(alpha).intoArray(c, co + 3 * ldc);
        c31.mul(alpha).intoArray(c, co + 3 * ldc + L);
        c40.mul(alpha).intoArray(c, co + 4 * ldc);
        c41.mul(alpha).intoArray(c, co + 4 * ldc + L);
        c50.mul(alpha).intoArray(c, co + 5 * ldc);
        c51.mul(alpha).intoArray(c, co + 5 * ldc + L);
        c60.mul(alpha).intoArray(c, co + 6 * ldc);
        c61.mul(alpha).intoArray(c, co + 6 * ldc + L);
        c70.mul(alpha).intoArray(c, co + 7 * ldc);
        c71.mul(alpha).intoArray(c, co + 7 * ldc + L);
        c80.mul(alpha).intoArray(c, co + 8 * ldc);
        c81.mul(alpha).intoArray(c, co + 8 * ldc + L);
    }

    /** {@link #kernel9Set} storing c = alpha * acc + cs * c; {@link #kernel8Add}. */
    static void kernel9Add(int kc, float[] a, int ao, int ao2, int ao3, float[] b, int bo, float[] c, int co, int ldc,
            float alpha, float cs) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
        int ap2 = ao2;
        int ap3 = ao3;
        int bp = bo;
        for (int ap = ao, aEnd = ao + 4 * kc; ap < aEnd; ap += 4, ap2 += 4, ap3 += 4, bp += 2 * L) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ap + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ap2 + 0]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ap2 + 1]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[ap2 + 2]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ap2 + 3]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            FloatVector a8 = FloatVector.broadcast(S, a[ap3 + 0]);
            c80 = a8.fma(b0, c80);
            c81 = a8.fma(b1, c81);
        }
        c00.mul(alpha).add(FloatVector.fromArray(S, c, co + 0 * ldc).mul(cs)).intoArray(c, co + 0 * ldc);
        c01.mul(alpha).add(FloatVector.fromArray(S, c, co + 0 * ldc + L).mul(cs)).intoArray(c, co + 0 * ldc + L);
        c10.mul(alpha).add(FloatVector.fromArray(S, c, co + 1 * ldc).mul(cs)).intoArray(c, co + 1 * ldc);
        c11.mul(alpha).add(FloatVector.fromArray(S, c, co + 1 * ldc + L).mul(cs)).intoArray(c, co + 1 * ldc + L);
        c20.mul(alpha).add(FloatVector.fromArray(S, c, co + 2 * ldc).mul(cs)).intoArray(c, co + 2 * ldc);
        c21.mul(alpha).add(FloatVector.fromArray(S, c, co + 2 * ldc + L).mul(cs)).intoArray(c, co + 2 * ldc + L);
        c30.mul(alpha).add(FloatVector.fromArray(S, c, co + 3 * ldc).mul(cs)).intoArray(c, co + 3 * ldc);
        c31.mul(alpha).add(FloatVector.fromArray(S, c, co + 3 * ldc + L).mul(cs)).intoArray(c, co + 3 * ldc + L);
        c40.mul(alpha).add(FloatVector.fromArray(S, c, co + 4 * ldc).mul(cs)).intoArray(c, co + 4 * ldc);
        c41.mul(alpha).add(FloatVector.fromArray(S, c, co + 4 * ldc + L).mul(cs)).intoArray(c, co + 4 * ldc + L);
        c50.mul(alpha).add(FloatVector.fromArray(S, c, co + 5 * ldc).mul(cs)).intoArray(c, co + 5 * ldc);
        c51.mul(alpha).add(FloatVector.fromArray(S, c, co + 5 * ldc + L).mul(cs)).intoArray(c, co + 5 * ldc + L);
        c60.mul(alpha).add(FloatVector.fromArray(S, c, co + 6 * ldc).mul(cs)).intoArray(c, co + 6 * ldc);
        c61.mul(alpha).add(FloatVector.fromArray(S, c, co + 6 * ldc + L).mul(cs)).intoArray(c, co + 6 * ldc + L);
        c70.mul(alpha).add(FloatVector.fromArray(S, c, co + 7 * ldc).mul(cs)).intoArray(c, co + 7 * ldc);
        c71.mul(alpha).add(FloatVector.fromArray(S, c, co + 7 * ldc + L).mul(cs)).intoArray(c, co + 7 * ldc + L);
        c80.mul(alpha).add(FloatVector.fromArray(S, c, co + 8 * ldc).mul(cs)).intoArray(c, co + 8 * ldc);
        c81.mul(alpha).add(FloatVector.fromArray(S, c, co + 8 * ldc + L).mul(cs)).intoArray(c, co + 8 * ldc + L);
    }

    /** Bias per row and clamp in registers before the store; {@link GemmMicroKernel#kernel4SetBiasClamp}. */
    static void kernel8SetBiasClamp(int kc, float[] a, int ao, int ao2, float[] b, int bo, float[] c, int co, int ldc,
            float alpha, float[] bias, int biasOff, float lo, float hi) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int ap2 = ao2;
        int bp = bo;
        for (int ap = ao, aEnd = ao + 4 * kc; ap < aEnd; ap += 4, ap2 += 4, bp += 2 * L) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ap + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ap2 + 0]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ap2 + 1]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[ap2 + 2]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ap2 + 3]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        float rb0 = bias == null ? 0f : bias[biasOff + 0];
        float rb1 = bias == null ? 0f : bias[biasOff + 1];
        float rb2 = bias == null ? 0f : bias[biasOff + 2];
        float rb3 = bias == null ? 0f : bias[biasOff + 3];
        float rb4 = bias == null ? 0f : bias[biasOff + 4];
        float rb5 = bias == null ? 0f : bias[biasOff + 5];
        float rb6 = bias == null ? 0f : bias[biasOff + 6];
        float rb7 = bias == null ? 0f : bias[biasOff + 7];
        FloatVector v00 = c00.mul(alpha);
        v00 = v00.add(rb0);
        v00.blend(lo, v00.compare(VectorOperators.LT, lo)).blend(hi, v00.compare(VectorOperators.GT, hi)).intoArray(c, co + 0 * ldc);
        FloatVector v01 = c01.mul(alpha);
        v01 = v01.add(rb0);
        v01.blend(lo, v01.compare(VectorOperators.LT, lo)).blend(hi, v01.compare(VectorOperators.GT, hi)).intoArray(c, co + 0 * ldc + L);
        FloatVector v10 = c10.mul(alpha);
        v10 = v10.add(rb1);
        v10.blend(lo, v10.compare(VectorOperators.LT, lo)).blend(hi, v10.compare(VectorOperators.GT, hi)).intoArray(c, co + 1 * ldc);
        FloatVector v11 = c11.mul(alpha);
        v11 = v11.add(rb1);
        v11.blend(lo, v11.compare(VectorOperators.LT, lo)).blend(hi, v11.compare(VectorOperators.GT, hi)).intoArray(c, co + 1 * ldc + L);
        FloatVector v20 = c20.mul(alpha);
        v20 = v20.add(rb2);
        v20.blend(lo, v20.compare(VectorOperators.LT, lo)).blend(hi, v20.compare(VectorOperators.GT, hi)).intoArray(c, co + 2 * ldc);
        FloatVector v21 = c21.mul(alpha);
        v21 = v21.add(rb2);
        v21.blend(lo, v21.compare(VectorOperators.LT, lo)).blend(hi, v21.compare(VectorOperators.GT, hi)).intoArray(c, co + 2 * ldc + L);
        FloatVector v30 = c30.mul(alpha);
        v30 = v30.add(rb3);
        v30.blend(lo, v30.compare(VectorOperators.LT, lo)).blend(hi, v30.compare(VectorOperators.GT, hi)).intoArray(c, co + 3 * ldc);
        FloatVector v31 = c31.mul(alpha);
        v31 = v31.add(rb3);
        v31.blend(lo, v31.compare(VectorOperators.LT, lo)).blend(hi, v31.compare(VectorOperators.GT, hi)).intoArray(c, co + 3 * ldc + L);
        FloatVector v40 = c40.mul(alpha);
        v40 = v40.add(rb4);
        v40.blend(lo, v40.compare(VectorOperators.LT, lo)).blend(hi, v40.compare(VectorOperators.GT, hi)).intoArray(c, co + 4 * ldc);
        FloatVector v41 = c41.mul(alpha);
        v41 = v41.add(rb4);
        v41.blend(lo, v41.compare(VectorOperators.LT, lo)).blend(hi, v41.compare(VectorOperators.GT, hi)).intoArray(c, co + 4 * ldc + L);
        FloatVector v50 = c50.mul(alpha);
        v50 = v50.add(rb5);
        v50.blend(lo, v50.compare(VectorOperators.LT, lo)).blend(hi, v50.compare(VectorOperators.GT, hi)).intoArray(c, co + 5 * ldc);
        FloatVector v51 = c51.mul(alpha);
        v51 = v51.add(rb5);
        v51.blend(lo, v51.compare(VectorOperators.LT, lo)).blend(hi, v51.compare(VectorOperators.GT, hi)).intoArray(c, co + 5 * ldc + L);
        FloatVector v60 = c60.mul(alpha);
        v60 = v60.add(rb6);
        v60.blend(lo, v60.compare(VectorOperators.LT, lo)).blend(hi, v60.compare(VectorOperators.GT, hi)).intoArray(c, co + 6 * ldc);
        FloatVector v61 = c61.mul(alpha);
        v61 = v61.add(rb6);
        v61.blend(lo, v61.compare(VectorOperators.LT, lo)).blend(hi, v61.compare(VectorOperators.GT, hi)).intoArray(c, co + 6 * ldc + L);
        FloatVector v70 = c70.mul(alpha);
        v70 = v70.add(rb7);
        v70.blend(lo, v70.compare(VectorOperators.LT, lo)).blend(hi, v70.compare(VectorOperators.GT, hi)).intoArray(c, co + 7 * ldc);
        FloatVector v71 = c71.mul(alpha);
        v71 = v71.add(rb7);
        v71.blend(lo, v71.compare(VectorOperators.LT, lo)).blend(hi, v71.compare(VectorOperators.GT, hi)).intoArray(c, co + 7 * ldc + L);
    }

    /**
     * {@link #kernel8SetBiasClamp} one vector wide, B rows {@code bStep} apart: a row's last columns
     * when they fill at most one vector (stems with 111 or 112 output columns: three full tiles and
     * 15 or 16 columns, which a full tile computed as 32, half of them again). Eight accumulators,
     * as many as the two FMA pipes keep in flight; each sum is the same FMA chain and epilogue as
     * the full tile's, so the bits are the same.
     */
    static void kernel8HalfSetBiasClamp(int kc, float[] a, int ao, int ao2, float[] b, int bo, int bStep, float[] c, int co,
            int ldc, float alpha, float[] bias, int biasOff, float lo, float hi) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S);
        FloatVector c5 = FloatVector.zero(S);
        FloatVector c6 = FloatVector.zero(S);
        FloatVector c7 = FloatVector.zero(S);
        int ap2 = ao2;
        int bp = bo;
        for (int ap = ao, aEnd = ao + 4 * kc; ap < aEnd; ap += 4, ap2 += 4, bp += bStep) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            c0 = FloatVector.broadcast(S, a[ap + 0]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[ap + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[ap + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[ap + 3]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[ap2 + 0]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[ap2 + 1]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[ap2 + 2]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[ap2 + 3]).fma(b0, c7);
        }
        float rb0 = bias == null ? 0f : bias[biasOff + 0];
        float rb1 = bias == null ? 0f : bias[biasOff + 1];
        float rb2 = bias == null ? 0f : bias[biasOff + 2];
        float rb3 = bias == null ? 0f : bias[biasOff + 3];
        float rb4 = bias == null ? 0f : bias[biasOff + 4];
        float rb5 = bias == null ? 0f : bias[biasOff + 5];
        float rb6 = bias == null ? 0f : bias[biasOff + 6];
        float rb7 = bias == null ? 0f : bias[biasOff + 7];
        FloatVector v0 = c0.mul(alpha);
        v0 = v0.add(rb0);
        v0.blend(lo, v0.compare(VectorOperators.LT, lo)).blend(hi, v0.compare(VectorOperators.GT, hi)).intoArray(c, co + 0 * ldc);
        FloatVector v1 = c1.mul(alpha);
        v1 = v1.add(rb1);
        v1.blend(lo, v1.compare(VectorOperators.LT, lo)).blend(hi, v1.compare(VectorOperators.GT, hi)).intoArray(c, co + 1 * ldc);
        FloatVector v2 = c2.mul(alpha);
        v2 = v2.add(rb2);
        v2.blend(lo, v2.compare(VectorOperators.LT, lo)).blend(hi, v2.compare(VectorOperators.GT, hi)).intoArray(c, co + 2 * ldc);
        FloatVector v3 = c3.mul(alpha);
        v3 = v3.add(rb3);
        v3.blend(lo, v3.compare(VectorOperators.LT, lo)).blend(hi, v3.compare(VectorOperators.GT, hi)).intoArray(c, co + 3 * ldc);
        FloatVector v4 = c4.mul(alpha);
        v4 = v4.add(rb4);
        v4.blend(lo, v4.compare(VectorOperators.LT, lo)).blend(hi, v4.compare(VectorOperators.GT, hi)).intoArray(c, co + 4 * ldc);
        FloatVector v5 = c5.mul(alpha);
        v5 = v5.add(rb5);
        v5.blend(lo, v5.compare(VectorOperators.LT, lo)).blend(hi, v5.compare(VectorOperators.GT, hi)).intoArray(c, co + 5 * ldc);
        FloatVector v6 = c6.mul(alpha);
        v6 = v6.add(rb6);
        v6.blend(lo, v6.compare(VectorOperators.LT, lo)).blend(hi, v6.compare(VectorOperators.GT, hi)).intoArray(c, co + 6 * ldc);
        FloatVector v7 = c7.mul(alpha);
        v7 = v7.add(rb7);
        v7.blend(lo, v7.compare(VectorOperators.LT, lo)).blend(hi, v7.compare(VectorOperators.GT, hi)).intoArray(c, co + 7 * ldc);
    }

    /** {@link #kernel8Set} over B rows {@code bStep} apart (B read in place); {@link GemmMicroKernel#kernel4SetStrided}. */
    static void kernel8SetStrided(int kc, float[] a, int ao, int ao2, float[] b, int bo, int bStep, float[] c, int co, int ldc,
            float alpha) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int ap2 = ao2;
        int bp = bo;
        for (int ap = ao, aEnd = ao + 4 * kc; ap < aEnd; ap += 4, ap2 += 4, bp += bStep) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ap + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ap2 + 0]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ap2 + 1]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[ap2 + 2]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ap2 + 3]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        c00.mul(alpha).intoArray(c, co + 0 * ldc);
        c01.mul(alpha).intoArray(c, co + 0 * ldc + L);
        c10.mul(alpha).intoArray(c, co + 1 * ldc);
        c11.mul(alpha).intoArray(c, co + 1 * ldc + L);
        c20.mul(alpha).intoArray(c, co + 2 * ldc);
        c21.mul(alpha).intoArray(c, co + 2 * ldc + L);
        c30.mul(alpha).intoArray(c, co + 3 * ldc);
        c31.mul(alpha).intoArray(c, co + 3 * ldc + L);
        c40.mul(alpha).intoArray(c, co + 4 * ldc);
        c41.mul(alpha).intoArray(c, co + 4 * ldc + L);
        c50.mul(alpha).intoArray(c, co + 5 * ldc);
        c51.mul(alpha).intoArray(c, co + 5 * ldc + L);
        c60.mul(alpha).intoArray(c, co + 6 * ldc);
        c61.mul(alpha).intoArray(c, co + 6 * ldc + L);
        c70.mul(alpha).intoArray(c, co + 7 * ldc);
        c71.mul(alpha).intoArray(c, co + 7 * ldc + L);
    }

    /** {@link #kernel8SetBiasClamp} over B rows {@code bStep} apart; {@link GemmMicroKernel#kernel4SetBiasClampStrided}. */
    static void kernel8SetBiasClampStrided(int kc, float[] a, int ao, int ao2, float[] b, int bo, int bStep, float[] c, int co, int ldc,
            float alpha, float[] bias, int biasOff, float lo, float hi) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int ap2 = ao2;
        int bp = bo;
        for (int ap = ao, aEnd = ao + 4 * kc; ap < aEnd; ap += 4, ap2 += 4, bp += bStep) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ap + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ap2 + 0]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ap2 + 1]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[ap2 + 2]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ap2 + 3]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        float rb0 = bias == null ? 0f : bias[biasOff + 0];
        float rb1 = bias == null ? 0f : bias[biasOff + 1];
        float rb2 = bias == null ? 0f : bias[biasOff + 2];
        float rb3 = bias == null ? 0f : bias[biasOff + 3];
        float rb4 = bias == null ? 0f : bias[biasOff + 4];
        float rb5 = bias == null ? 0f : bias[biasOff + 5];
        float rb6 = bias == null ? 0f : bias[biasOff + 6];
        float rb7 = bias == null ? 0f : bias[biasOff + 7];
        FloatVector v00 = c00.mul(alpha);
        v00 = v00.add(rb0);
        v00.blend(lo, v00.compare(VectorOperators.LT, lo)).blend(hi, v00.compare(VectorOperators.GT, hi)).intoArray(c, co + 0 * ldc);
        FloatVector v01 = c01.mul(alpha);
        v01 = v01.add(rb0);
        v01.blend(lo, v01.compare(VectorOperators.LT, lo)).blend(hi, v01.compare(VectorOperators.GT, hi)).intoArray(c, co + 0 * ldc + L);
        FloatVector v10 = c10.mul(alpha);
        v10 = v10.add(rb1);
        v10.blend(lo, v10.compare(VectorOperators.LT, lo)).blend(hi, v10.compare(VectorOperators.GT, hi)).intoArray(c, co + 1 * ldc);
        FloatVector v11 = c11.mul(alpha);
        v11 = v11.add(rb1);
        v11.blend(lo, v11.compare(VectorOperators.LT, lo)).blend(hi, v11.compare(VectorOperators.GT, hi)).intoArray(c, co + 1 * ldc + L);
        FloatVector v20 = c20.mul(alpha);
        v20 = v20.add(rb2);
        v20.blend(lo, v20.compare(VectorOperators.LT, lo)).blend(hi, v20.compare(VectorOperators.GT, hi)).intoArray(c, co + 2 * ldc);
        FloatVector v21 = c21.mul(alpha);
        v21 = v21.add(rb2);
        v21.blend(lo, v21.compare(VectorOperators.LT, lo)).blend(hi, v21.compare(VectorOperators.GT, hi)).intoArray(c, co + 2 * ldc + L);
        FloatVector v30 = c30.mul(alpha);
        v30 = v30.add(rb3);
        v30.blend(lo, v30.compare(VectorOperators.LT, lo)).blend(hi, v30.compare(VectorOperators.GT, hi)).intoArray(c, co + 3 * ldc);
        FloatVector v31 = c31.mul(alpha);
        v31 = v31.add(rb3);
        v31.blend(lo, v31.compare(VectorOperators.LT, lo)).blend(hi, v31.compare(VectorOperators.GT, hi)).intoArray(c, co + 3 * ldc + L);
        FloatVector v40 = c40.mul(alpha);
        v40 = v40.add(rb4);
        v40.blend(lo, v40.compare(VectorOperators.LT, lo)).blend(hi, v40.compare(VectorOperators.GT, hi)).intoArray(c, co + 4 * ldc);
        FloatVector v41 = c41.mul(alpha);
        v41 = v41.add(rb4);
        v41.blend(lo, v41.compare(VectorOperators.LT, lo)).blend(hi, v41.compare(VectorOperators.GT, hi)).intoArray(c, co + 4 * ldc + L);
        FloatVector v50 = c50.mul(alpha);
        v50 = v50.add(rb5);
        v50.blend(lo, v50.compare(VectorOperators.LT, lo)).blend(hi, v50.compare(VectorOperators.GT, hi)).intoArray(c, co + 5 * ldc);
        FloatVector v51 = c51.mul(alpha);
        v51 = v51.add(rb5);
        v51.blend(lo, v51.compare(VectorOperators.LT, lo)).blend(hi, v51.compare(VectorOperators.GT, hi)).intoArray(c, co + 5 * ldc + L);
        FloatVector v60 = c60.mul(alpha);
        v60 = v60.add(rb6);
        v60.blend(lo, v60.compare(VectorOperators.LT, lo)).blend(hi, v60.compare(VectorOperators.GT, hi)).intoArray(c, co + 6 * ldc);
        FloatVector v61 = c61.mul(alpha);
        v61 = v61.add(rb6);
        v61.blend(lo, v61.compare(VectorOperators.LT, lo)).blend(hi, v61.compare(VectorOperators.GT, hi)).intoArray(c, co + 6 * ldc + L);
        FloatVector v70 = c70.mul(alpha);
        v70 = v70.add(rb7);
        v70.blend(lo, v70.compare(VectorOperators.LT, lo)).blend(hi, v70.compare(VectorOperators.GT, hi)).intoArray(c, co + 7 * ldc);
        FloatVector v71 = c71.mul(alpha);
        v71 = v71.add(rb7);
        v71.blend(lo, v71.compare(VectorOperators.LT, lo)).blend(hi, v71.compare(VectorOperators.GT, hi)).intoArray(c, co + 7 * ldc + L);
    }
}
