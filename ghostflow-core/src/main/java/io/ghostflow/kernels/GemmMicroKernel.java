package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.L;
import static io.ghostflow.kernels.GemmBlocking.MR;
import static io.ghostflow.kernels.GemmBlocking.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked fp32 micro-kernels: MR rows by two vectors, per k two vector loads from
 * the packed B panel and MR broadcasts from the packed A panel. Written out by hand (generated)
 * because C2 keeps only explicit locals in registers. Two sizes: 4 x 2 (8 accumulators) for
 * 16-register ISAs (AVX2), where 6 x 2 measurably spills under C2, and 6 x 2 (12 accumulators)
 * for 32-register ones (AVX-512), used only with -Dghostflow.gemm.mr=6: by default AVX-512 runs
 * 8 x 2 tiles over pairs of 4-row panels ({@link GemmPairKernel}) where both panels are full.
 *
 * <p>The 4-row kernels on packed B step two induction variables, A's index by 4 floats and B's by
 * 2 vectors per k, so each k costs the loads, the FMAs and two adds: a loop over k that computed
 * both offsets from k ran whole models in 1.03-1.08x the time, and one stepping A's index alone
 * and deriving B's from it (24 instructions per k under C2, with a spilled base reloaded each
 * time, against 20) in 1.04-1.08x (per node in mobilenet_v2_bn, toggled run by run in one JVM:
 * 0.92-0.97). Same FMAs in the same order, same bits.
 *
 * <p>Each size comes as a "Set" kernel (C = alpha * acc, C not read) and an "Add" kernel
 * (C = alpha * acc + cs * C) with one store path each: a single method with both store paths
 * behind a flag ran 3x slower once both were profiled, because C2 then keeps the accumulators
 * boxed in memory across the merge.
 *
 * <p>The "row4" forms loop over a row panel's column tiles inside one call (shallow K, where the
 * per-tile call and set-up cost a large share of the multiply-adds), and the "Strided" forms read
 * B in place with a variable row step. They repeat the tile body on purpose: vectors cannot cross
 * a method boundary that C2 does not inline without being boxed, and a flag-driven shared body
 * was measurably slower each time it was tried (see the measurements on each method).
 */
final class GemmMicroKernel {
    /** Four floats: the rows of one packed 4-row A panel at one k. */
    private static final VectorSpecies<Float> Q = FloatVector.SPECIES_128;

    private GemmMicroKernel() {
    }

    /**
     * c[co + r * ldc + j] (r < MR, j < NR) = first ? alpha * acc + beta * c (c not read if beta == 0)
     * : c + alpha * acc, where acc = sum over k < kc of a[ao + k * MR + r] * b[bo + k * NR + j].
     */
    static void kernel(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc,
                       float alpha, float beta, boolean first) {
        if (first && beta == 0f) {
            if (MR == 6) {
                kernel6Set(kc, a, ao, b, bo, c, co, ldc, alpha);
            } else {
                kernel4Set(kc, a, ao, b, bo, c, co, ldc, alpha);
            }
        } else {
            float cs = first ? beta : 1f;
            if (MR == 6) {
                kernel6Add(kc, a, ao, b, bo, c, co, ldc, alpha, cs);
            } else {
                kernel4Add(kc, a, ao, b, bo, c, co, ldc, alpha, cs);
            }
        }
    }

    /**
     * Row 0 only, across four adjacent B panels (4 x NR columns, panels bStride apart): the
     * single-row GEMM (M = 1: a classifier head, an MLP layer on one sample) that the MR-row
     * kernel would run at a quarter of its rows. Each output is the same FMA chain over k as in
     * the MR-row kernels, and stored the same way, so results are bit-identical to a batched
     * run's rows. Set: c = alpha * acc; Add: c = alpha * acc + cs * c.
     */
    static void row4Set(int kc, float[] a, int ao, float[] b, int bo, int bStride, float[] c, int co, float alpha) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int o1 = bo + bStride;
        int o2 = o1 + bStride;
        int o3 = o2 + bStride;
        for (int k = 0; k < kc; k++) {
            FloatVector av = FloatVector.broadcast(S, a[ao + k * MR]);
            int kb = k * (2 * L);
            c00 = av.fma(FloatVector.fromArray(S, b, bo + kb), c00);
            c01 = av.fma(FloatVector.fromArray(S, b, bo + kb + L), c01);
            c10 = av.fma(FloatVector.fromArray(S, b, o1 + kb), c10);
            c11 = av.fma(FloatVector.fromArray(S, b, o1 + kb + L), c11);
            c20 = av.fma(FloatVector.fromArray(S, b, o2 + kb), c20);
            c21 = av.fma(FloatVector.fromArray(S, b, o2 + kb + L), c21);
            c30 = av.fma(FloatVector.fromArray(S, b, o3 + kb), c30);
            c31 = av.fma(FloatVector.fromArray(S, b, o3 + kb + L), c31);
        }
        c00.mul(alpha).intoArray(c, co);
        c01.mul(alpha).intoArray(c, co + 1 * L);
        c10.mul(alpha).intoArray(c, co + 2 * L);
        c11.mul(alpha).intoArray(c, co + 3 * L);
        c20.mul(alpha).intoArray(c, co + 4 * L);
        c21.mul(alpha).intoArray(c, co + 5 * L);
        c30.mul(alpha).intoArray(c, co + 6 * L);
        c31.mul(alpha).intoArray(c, co + 7 * L);
    }

    static void row4Add(int kc, float[] a, int ao, float[] b, int bo, int bStride, float[] c, int co, float alpha, float cs) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int o1 = bo + bStride;
        int o2 = o1 + bStride;
        int o3 = o2 + bStride;
        for (int k = 0; k < kc; k++) {
            FloatVector av = FloatVector.broadcast(S, a[ao + k * MR]);
            int kb = k * (2 * L);
            c00 = av.fma(FloatVector.fromArray(S, b, bo + kb), c00);
            c01 = av.fma(FloatVector.fromArray(S, b, bo + kb + L), c01);
            c10 = av.fma(FloatVector.fromArray(S, b, o1 + kb), c10);
            c11 = av.fma(FloatVector.fromArray(S, b, o1 + kb + L), c11);
            c20 = av.fma(FloatVector.fromArray(S, b, o2 + kb), c20);
            c21 = av.fma(FloatVector.fromArray(S, b, o2 + kb + L), c21);
            c30 = av.fma(FloatVector.fromArray(S, b, o3 + kb), c30);
            c31 = av.fma(FloatVector.fromArray(S, b, o3 + kb + L), c31);
        }
        c00.mul(alpha).add(FloatVector.fromArray(S, c, co).mul(cs)).intoArray(c, co);
        c01.mul(alpha).add(FloatVector.fromArray(S, c, co + 1 * L).mul(cs)).intoArray(c, co + 1 * L);
        c10.mul(alpha).add(FloatVector.fromArray(S, c, co + 2 * L).mul(cs)).intoArray(c, co + 2 * L);
        c11.mul(alpha).add(FloatVector.fromArray(S, c, co + 3 * L).mul(cs)).intoArray(c, co + 3 * L);
        c20.mul(alpha).add(FloatVector.fromArray(S, c, co + 4 * L).mul(cs)).intoArray(c, co + 4 * L);
        c21.mul(alpha).add(FloatVector.fromArray(S, c, co + 5 * L).mul(cs)).intoArray(c, co + 5 * L);
        c30.mul(alpha).add(FloatVector.fromArray(S, c, co + 6 * L).mul(cs)).intoArray(c, co + 6 * L);
        c31.mul(alpha).add(FloatVector.fromArray(S, c, co + 7 * L).mul(cs)).intoArray(c, co + 7 * L);
    }

    /**
     * Two 4-row A panels (at ao and ao2) by the first vector of a B panel, raw sums into
     * t[r * L + j] (r < 8): the narrow last panel of an N just past a multiple of NR (N = 49
     * leaves one live column), where the 4 x 2-vector tile would be mostly padding. Eight
     * independent accumulators hide the FMA latency as in {@link #kernel4Set}, and each sum is
     * the same single FMA chain over k from 0, so results are bit-identical to the full tile's.
     */
    static void kernel8x1(int kc, float[] a, int ao, int ao2, float[] b, int bo, float[] t) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S);
        FloatVector c5 = FloatVector.zero(S);
        FloatVector c6 = FloatVector.zero(S);
        FloatVector c7 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            int ap = ao + k * 4;
            int aq = ao2 + k * 4;
            FloatVector bv = FloatVector.fromArray(S, b, bo + k * (2 * L));
            c0 = FloatVector.broadcast(S, a[ap + 0]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[ap + 1]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[ap + 2]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[ap + 3]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[aq + 0]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[aq + 1]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, a[aq + 2]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, a[aq + 3]).fma(bv, c7);
        }
        c0.intoArray(t, 0 * L);
        c1.intoArray(t, 1 * L);
        c2.intoArray(t, 2 * L);
        c3.intoArray(t, 3 * L);
        c4.intoArray(t, 4 * L);
        c5.intoArray(t, 5 * L);
        c6.intoArray(t, 6 * L);
        c7.intoArray(t, 7 * L);
    }

    /**
     * {@link #kernel8x1} for a first-and-last K block with a bias-and-clamp epilogue, in registers:
     * c = clamp(alpha * acc + bias[row]) for the first {@code cols} columns of eight rows, masked
     * stores, no tile and no merge (the narrow edges of resnet18's and mobilenet_v2's 14 x 14
     * convolutions, N = 196, went through the tile, a merge and the generic epilogue's row passes).
     * The same operations as {@link GemmPairKernel#kernel8SetBiasClamp}, so the same bits.
     */
    static void kernel8x1SetBiasClamp(int kc, float[] a, int ao, int ao2, float[] b, int bo, float[] c, int co, int ldc,
            int cols, float alpha, float[] bias, int biasOff, float lo, float hi) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S);
        FloatVector c5 = FloatVector.zero(S);
        FloatVector c6 = FloatVector.zero(S);
        FloatVector c7 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            int ap = ao + k * 4;
            int aq = ao2 + k * 4;
            FloatVector bv = FloatVector.fromArray(S, b, bo + k * (2 * L));
            c0 = FloatVector.broadcast(S, a[ap + 0]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[ap + 1]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[ap + 2]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[ap + 3]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[aq + 0]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[aq + 1]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, a[aq + 2]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, a[aq + 3]).fma(bv, c7);
        }
        VectorMask<Float> live = S.indexInRange(0, cols);
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
        v0.blend(lo, v0.compare(VectorOperators.LT, lo)).blend(hi, v0.compare(VectorOperators.GT, hi)).intoArray(c, co + 0 * ldc, live);
        FloatVector v1 = c1.mul(alpha);
        v1 = v1.add(rb1);
        v1.blend(lo, v1.compare(VectorOperators.LT, lo)).blend(hi, v1.compare(VectorOperators.GT, hi)).intoArray(c, co + 1 * ldc, live);
        FloatVector v2 = c2.mul(alpha);
        v2 = v2.add(rb2);
        v2.blend(lo, v2.compare(VectorOperators.LT, lo)).blend(hi, v2.compare(VectorOperators.GT, hi)).intoArray(c, co + 2 * ldc, live);
        FloatVector v3 = c3.mul(alpha);
        v3 = v3.add(rb3);
        v3.blend(lo, v3.compare(VectorOperators.LT, lo)).blend(hi, v3.compare(VectorOperators.GT, hi)).intoArray(c, co + 3 * ldc, live);
        FloatVector v4 = c4.mul(alpha);
        v4 = v4.add(rb4);
        v4.blend(lo, v4.compare(VectorOperators.LT, lo)).blend(hi, v4.compare(VectorOperators.GT, hi)).intoArray(c, co + 4 * ldc, live);
        FloatVector v5 = c5.mul(alpha);
        v5 = v5.add(rb5);
        v5.blend(lo, v5.compare(VectorOperators.LT, lo)).blend(hi, v5.compare(VectorOperators.GT, hi)).intoArray(c, co + 5 * ldc, live);
        FloatVector v6 = c6.mul(alpha);
        v6 = v6.add(rb6);
        v6.blend(lo, v6.compare(VectorOperators.LT, lo)).blend(hi, v6.compare(VectorOperators.GT, hi)).intoArray(c, co + 6 * ldc, live);
        FloatVector v7 = c7.mul(alpha);
        v7 = v7.add(rb7);
        v7.blend(lo, v7.compare(VectorOperators.LT, lo)).blend(hi, v7.compare(VectorOperators.GT, hi)).intoArray(c, co + 7 * ldc, live);
    }

    /**
     * Merges a row-major tile of raw sums (row r at t[r * rowStep]) into the live rows x cols of C as
     * the full-tile kernels do: alpha * sum stored, added to C (a later K block), or added to beta * C,
     * with the same roundings (no fused multiply-add), a masked vector per row and vector of columns.
     * The scalar loop it replaced cost the narrow edge of K-blocked GEMMs as much as its kernel8x1
     * (512 x 48 x 4608 in the convolution layout ran at 68% of peak against 90% for N = 32 or 64).
     */
    static void mergeRows(float[] t, int rowStep, float[] c, int co, int ldc, int rows, int cols, float alpha,
                          float beta, boolean first) {
        for (int j = 0; j < cols; j += L) {
            VectorMask<Float> live = S.indexInRange(j, cols);
            for (int r = 0; r < rows; r++) {
                int d = co + r * ldc + j;
                FloatVector acc = FloatVector.fromArray(S, t, r * rowStep + j, live).mul(alpha);
                if (!first) {
                    acc = FloatVector.fromArray(S, c, d, live).add(acc);
                } else if (beta != 0f) {
                    acc = acc.add(FloatVector.fromArray(S, c, d, live).mul(beta));
                }
                acc.intoArray(c, d, live);
            }
        }
    }

    /**
     * Four 4-row A panels (rows 0..15 at ao + p * aStride) by the first {@code cols} (1..3) columns
     * of a packed B panel (b[bo + k * NR + j]), raw sums of column j into t[16 * j + r], r < 16: the
     * one to three live columns of a last panel (N = 49 leaves one), where {@link #kernel8x1} spends a
     * whole vector on each row. The four rows of a panel sit side by side in packed A, so a 128-bit
     * vector of them times the broadcast B value accumulates four rows at once; columns go in pairs
     * sharing the A loads. Each lane is the same single FMA chain over k from 0 as in the full tile,
     * so results are bit-identical to it. Its bytecode is larger than C2 inlines on purpose: inlined
     * into Gemm.serial, small vector helpers have been seen to run the Vector API's Java fallback.
     */
    static void kernel16xN(int kc, float[] a, int ao, int aStride, float[] b, int bo, int cols, float[] t) {
        int a1 = ao + aStride;
        int a2 = a1 + aStride;
        int a3 = a2 + aStride;
        int j = 0;
        for (; j + 2 <= cols; j += 2) {
            FloatVector c0 = FloatVector.zero(Q);
            FloatVector c1 = FloatVector.zero(Q);
            FloatVector c2 = FloatVector.zero(Q);
            FloatVector c3 = FloatVector.zero(Q);
            FloatVector d0 = FloatVector.zero(Q);
            FloatVector d1 = FloatVector.zero(Q);
            FloatVector d2 = FloatVector.zero(Q);
            FloatVector d3 = FloatVector.zero(Q);
            int bj = bo + j;
            for (int k = 0; k < kc; k++) {
                FloatVector x0 = FloatVector.fromArray(Q, a, ao + k * 4);
                FloatVector x1 = FloatVector.fromArray(Q, a, a1 + k * 4);
                FloatVector x2 = FloatVector.fromArray(Q, a, a2 + k * 4);
                FloatVector x3 = FloatVector.fromArray(Q, a, a3 + k * 4);
                FloatVector bv = FloatVector.broadcast(Q, b[bj + k * (2 * L)]);
                FloatVector bw = FloatVector.broadcast(Q, b[bj + 1 + k * (2 * L)]);
                c0 = x0.fma(bv, c0);
                c1 = x1.fma(bv, c1);
                c2 = x2.fma(bv, c2);
                c3 = x3.fma(bv, c3);
                d0 = x0.fma(bw, d0);
                d1 = x1.fma(bw, d1);
                d2 = x2.fma(bw, d2);
                d3 = x3.fma(bw, d3);
            }
            int to = 16 * j;
            c0.intoArray(t, to);
            c1.intoArray(t, to + 4);
            c2.intoArray(t, to + 8);
            c3.intoArray(t, to + 12);
            d0.intoArray(t, to + 16);
            d1.intoArray(t, to + 20);
            d2.intoArray(t, to + 24);
            d3.intoArray(t, to + 28);
        }
        if (j < cols) {
            FloatVector c0 = FloatVector.zero(Q);
            FloatVector c1 = FloatVector.zero(Q);
            FloatVector c2 = FloatVector.zero(Q);
            FloatVector c3 = FloatVector.zero(Q);
            int bj = bo + j;
            for (int k = 0; k < kc; k++) {
                FloatVector bv = FloatVector.broadcast(Q, b[bj + k * (2 * L)]);
                c0 = FloatVector.fromArray(Q, a, ao + k * 4).fma(bv, c0);
                c1 = FloatVector.fromArray(Q, a, a1 + k * 4).fma(bv, c1);
                c2 = FloatVector.fromArray(Q, a, a2 + k * 4).fma(bv, c2);
                c3 = FloatVector.fromArray(Q, a, a3 + k * 4).fma(bv, c3);
            }
            int to = 16 * j;
            c0.intoArray(t, to);
            c1.intoArray(t, to + 4);
            c2.intoArray(t, to + 8);
            c3.intoArray(t, to + 12);
        }
    }

    /**
     * {@link #kernel4Set} with a per-row bias and a clamp applied in registers before the store:
     * the whole epilogue of a convolution with bias and ReLU / Clip when K fits one block. For
     * the small depths of pointwise and first-layer convolutions the separate epilogue pass cost
     * as much as the multiply-adds. Same operations in the same order as Set then
     * {@link Epilogue#applyTile}, so the results are bit-identical; without a bias it adds 0,
     * which changes nothing (an FMA chain from +0 never yields -0). No branches between the
     * accumulators and the stores: a vector merged across a branch is boxed by C2.
     */
    static void kernel4SetBiasClamp(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc,
            float alpha, float[] bias, int biasOff, float lo, float hi) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int bp = bo;
        for (int ap = ao, aEnd = ao + 4 * kc; ap < aEnd; ap += 4, bp += 2 * L) {
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
        }
        float rb0 = bias == null ? 0f : bias[biasOff + 0];
        float rb1 = bias == null ? 0f : bias[biasOff + 1];
        float rb2 = bias == null ? 0f : bias[biasOff + 2];
        float rb3 = bias == null ? 0f : bias[biasOff + 3];
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
    }

    /**
     * Deepest K for {@link #row4SetBiasClamp}: mobilenet_v2_bn's expansions (K = 16 .. 32) ran in
     * 0.875-0.95 of the time per node, in one JVM alternating with a call per tile; at K = 384 .. 512 a
     * first version ran 2.3-2.8x slower (the bias values held across the K loop spilled the
     * accumulators), and deep tiles have little per-call overhead to save. StridedConv's stems (K = 27)
     * did not gain from it (1.01x and 1.39x the time per node), so they keep a call per tile.
     */
    static final int ROW_MAX_K = 64;

    /**
     * {@link #kernel4SetBiasClamp} for {@code tiles} adjacent column tiles of one row panel (B panels
     * bStride apart, C tiles NR apart) with alpha 1, in one call: at shallow K the per-tile call,
     * its bounds-check set-up and the alpha multiply cost as much as a third of the multiply-adds.
     * The same FMA chains and epilogue operations (x * 1 is x), so the same bits.
     */
    static void row4SetBiasClamp(int kc, float[] a, int ao, float[] b, int bo0, int bStride, int tiles, float[] c, int co0,
            int ldc, float[] bias, int biasOff, float lo, float hi) {
        for (int tile = 0; tile < tiles; tile++) {
            int bo = bo0 + tile * bStride;
            int co = co0 + tile * 2 * L;
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            int bp = bo;
            for (int ap = ao, aEnd = ao + 4 * kc; ap < aEnd; ap += 4, bp += 2 * L) {
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
            }
            float rb0 = bias == null ? 0f : bias[biasOff + 0];
            float rb1 = bias == null ? 0f : bias[biasOff + 1];
            float rb2 = bias == null ? 0f : bias[biasOff + 2];
            float rb3 = bias == null ? 0f : bias[biasOff + 3];
            FloatVector v00 = c00.add(rb0);
            v00.blend(lo, v00.compare(VectorOperators.LT, lo)).blend(hi, v00.compare(VectorOperators.GT, hi)).intoArray(c, co + 0 * ldc);
            FloatVector v01 = c01.add(rb0);
            v01.blend(lo, v01.compare(VectorOperators.LT, lo)).blend(hi, v01.compare(VectorOperators.GT, hi)).intoArray(c, co + 0 * ldc + L);
            FloatVector v10 = c10.add(rb1);
            v10.blend(lo, v10.compare(VectorOperators.LT, lo)).blend(hi, v10.compare(VectorOperators.GT, hi)).intoArray(c, co + 1 * ldc);
            FloatVector v11 = c11.add(rb1);
            v11.blend(lo, v11.compare(VectorOperators.LT, lo)).blend(hi, v11.compare(VectorOperators.GT, hi)).intoArray(c, co + 1 * ldc + L);
            FloatVector v20 = c20.add(rb2);
            v20.blend(lo, v20.compare(VectorOperators.LT, lo)).blend(hi, v20.compare(VectorOperators.GT, hi)).intoArray(c, co + 2 * ldc);
            FloatVector v21 = c21.add(rb2);
            v21.blend(lo, v21.compare(VectorOperators.LT, lo)).blend(hi, v21.compare(VectorOperators.GT, hi)).intoArray(c, co + 2 * ldc + L);
            FloatVector v30 = c30.add(rb3);
            v30.blend(lo, v30.compare(VectorOperators.LT, lo)).blend(hi, v30.compare(VectorOperators.GT, hi)).intoArray(c, co + 3 * ldc);
            FloatVector v31 = c31.add(rb3);
            v31.blend(lo, v31.compare(VectorOperators.LT, lo)).blend(hi, v31.compare(VectorOperators.GT, hi)).intoArray(c, co + 3 * ldc + L);
        }
    }

    static void kernel4Set(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc,
            float alpha) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int bp = bo;
        for (int ap = ao, aEnd = ao + 4 * kc; ap < aEnd; ap += 4, bp += 2 * L) {
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
        }
        c00.mul(alpha).intoArray(c, co + 0 * ldc);
        c01.mul(alpha).intoArray(c, co + 0 * ldc + L);
        c10.mul(alpha).intoArray(c, co + 1 * ldc);
        c11.mul(alpha).intoArray(c, co + 1 * ldc + L);
        c20.mul(alpha).intoArray(c, co + 2 * ldc);
        c21.mul(alpha).intoArray(c, co + 2 * ldc + L);
        c30.mul(alpha).intoArray(c, co + 3 * ldc);
        c31.mul(alpha).intoArray(c, co + 3 * ldc + L);
    }

    /**
     * {@link #kernel4Set} for {@code tiles} adjacent column tiles of one row panel with alpha 1 (the
     * Winograd GEMMs, which store the plain sums), in one call, as {@link #row4SetBiasClamp}: per node,
     * in one JVM alternating with a call per tile, squeezenet1_1's fire modules 4-7 (K = 32 and 48)
     * 0.82-1.01, resnet18's layer1 (K = 64) 0.93-1.01; the larger gains in the host's slow stretches.
     */
    static void row4Set(int kc, float[] a, int ao, float[] b, int bo0, int bStride, int tiles, float[] c, int co0, int ldc) {
        for (int tile = 0; tile < tiles; tile++) {
            int bo = bo0 + tile * bStride;
            int co = co0 + tile * 2 * L;
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            int bp = bo;
            for (int ap = ao, aEnd = ao + 4 * kc; ap < aEnd; ap += 4, bp += 2 * L) {
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
            }
            c00.intoArray(c, co + 0 * ldc);
            c01.intoArray(c, co + 0 * ldc + L);
            c10.intoArray(c, co + 1 * ldc);
            c11.intoArray(c, co + 1 * ldc + L);
            c20.intoArray(c, co + 2 * ldc);
            c21.intoArray(c, co + 2 * ldc + L);
            c30.intoArray(c, co + 3 * ldc);
            c31.intoArray(c, co + 3 * ldc + L);
        }
    }

    /**
     * {@link #kernel4SetBiasClamp} over B rows {@code bStep} apart (B read in place, {@link GemmDirectB}).
     * A separate copy because C2 removes the bounds checks of the B loads only for a constant
     * step: with the step a parameter, the packed path ran 27 instructions per k instead of 19
     * (3-9% slower on pointwise convolutions). Same operations, same bits. Offsets bumped per k
     * rather than computed from k: 0.92-0.96x of the time on mobilenet_v2's projections.
     */
    static void kernel4SetBiasClampStrided(int kc, float[] a, int ao, float[] b, int bo, int bStep, float[] c, int co, int ldc,
            float alpha, float[] bias, int biasOff, float lo, float hi) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int ap = ao;
        int bp = bo;
        for (int k = 0; k < kc; k++, ap += 4, bp += bStep) {
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
        }
        float rb0 = bias == null ? 0f : bias[biasOff + 0];
        float rb1 = bias == null ? 0f : bias[biasOff + 1];
        float rb2 = bias == null ? 0f : bias[biasOff + 2];
        float rb3 = bias == null ? 0f : bias[biasOff + 3];
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
    }

    /** {@link #kernel4Set} over B rows {@code bStep} apart (see {@link #kernel4SetBiasClampStrided}). */
    static void kernel4SetStrided(int kc, float[] a, int ao, float[] b, int bo, int bStep, float[] c, int co, int ldc,
            float alpha) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int ap = ao;
        int bp = bo;
        for (int k = 0; k < kc; k++, ap += 4, bp += bStep) {
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
        }
        c00.mul(alpha).intoArray(c, co + 0 * ldc);
        c01.mul(alpha).intoArray(c, co + 0 * ldc + L);
        c10.mul(alpha).intoArray(c, co + 1 * ldc);
        c11.mul(alpha).intoArray(c, co + 1 * ldc + L);
        c20.mul(alpha).intoArray(c, co + 2 * ldc);
        c21.mul(alpha).intoArray(c, co + 2 * ldc + L);
        c30.mul(alpha).intoArray(c, co + 3 * ldc);
        c31.mul(alpha).intoArray(c, co + 3 * ldc + L);
    }

    /**
     * {@link #kernel4SetStrided} for {@code tiles} adjacent column tiles (NR columns apart in B and C)
     * with alpha 1, in one call: {@link #row4Set} for B read in place (the Winograd GEMMs of 64 output
     * channels and fewer, {@link GemmDirectB}).
     */
    static void row4SetStrided(int kc, float[] a, int ao, float[] b, int bo0, int bStep, int tiles, float[] c, int co0,
            int ldc) {
        for (int tile = 0; tile < tiles; tile++) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            int ap = ao;
            int bp = bo0 + tile * 2 * L;
            for (int k = 0; k < kc; k++, ap += 4, bp += bStep) {
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
            }
            int co = co0 + tile * 2 * L;
            c00.intoArray(c, co + 0 * ldc);
            c01.intoArray(c, co + 0 * ldc + L);
            c10.intoArray(c, co + 1 * ldc);
            c11.intoArray(c, co + 1 * ldc + L);
            c20.intoArray(c, co + 2 * ldc);
            c21.intoArray(c, co + 2 * ldc + L);
            c30.intoArray(c, co + 3 * ldc);
            c31.intoArray(c, co + 3 * ldc + L);
        }
    }

    static void kernel4Add(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc,
            float alpha, float cs) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int bp = bo;
        for (int ap = ao, aEnd = ao + 4 * kc; ap < aEnd; ap += 4, bp += 2 * L) {
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
        }
        c00.mul(alpha).add(FloatVector.fromArray(S, c, co + 0 * ldc).mul(cs)).intoArray(c, co + 0 * ldc);
        c01.mul(alpha).add(FloatVector.fromArray(S, c, co + 0 * ldc + L).mul(cs)).intoArray(c, co + 0 * ldc + L);
        c10.mul(alpha).add(FloatVector.fromArray(S, c, co + 1 * ldc).mul(cs)).intoArray(c, co + 1 * ldc);
        c11.mul(alpha).add(FloatVector.fromArray(S, c, co + 1 * ldc + L).mul(cs)).intoArray(c, co + 1 * ldc + L);
        c20.mul(alpha).add(FloatVector.fromArray(S, c, co + 2 * ldc).mul(cs)).intoArray(c, co + 2 * ldc);
        c21.mul(alpha).add(FloatVector.fromArray(S, c, co + 2 * ldc + L).mul(cs)).intoArray(c, co + 2 * ldc + L);
        c30.mul(alpha).add(FloatVector.fromArray(S, c, co + 3 * ldc).mul(cs)).intoArray(c, co + 3 * ldc);
        c31.mul(alpha).add(FloatVector.fromArray(S, c, co + 3 * ldc + L).mul(cs)).intoArray(c, co + 3 * ldc + L);
    }

    static void kernel6Set(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc,
            float alpha) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            int ap = ao + k * 6;
            int bp = bo + k * (2 * L);
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
            FloatVector a4 = FloatVector.broadcast(S, a[ap + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ap + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
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
    }

    static void kernel6Add(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc,
            float alpha, float cs) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            int ap = ao + k * 6;
            int bp = bo + k * (2 * L);
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
            FloatVector a4 = FloatVector.broadcast(S, a[ap + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ap + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
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
    }
}
