package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.L;
import static io.ghostflow.kernels.GemmBlocking.MR;
import static io.ghostflow.kernels.GemmBlocking.S;

import jdk.incubator.vector.FloatVector;

/**
 * The register-blocked fp32 micro-kernels: MR rows by two vectors, per k two vector loads from
 * the packed B panel and MR broadcasts from the packed A panel. Written out by hand (generated)
 * because C2 keeps only explicit locals in registers. Two sizes: 4 x 2 (8 accumulators) for
 * 16-register ISAs (AVX2), where 6 x 2 measurably spills under C2, and 6 x 2 (12 accumulators)
 * for 32-register ones (AVX-512).
 *
 * <p>Each size comes as a "Set" kernel (C = alpha * acc, C not read) and an "Add" kernel
 * (C = alpha * acc + cs * C) with one store path each: a single method with both store paths
 * behind a flag ran 3x slower once both were profiled, because C2 then keeps the accumulators
 * boxed in memory across the merge.
 */
final class GemmMicroKernel {
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
     * The left half (one vector) of a 4-row tile, into tile[r * NR + j] for j < L: for edge
     * panels with at most L live columns, such as the last of 49 columns (7 x 7 outputs), where
     * the full kernel would spend half its multiply-adds on padding. Even and odd k accumulate
     * apart (8 chains, as in the full kernel) so the FMA latency stays hidden.
     */
    static void kernel4Half(int kc, float[] a, int ao, float[] b, int bo, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), d0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S), d1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S), d2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S), d3 = FloatVector.zero(S);
        int k = 0;
        for (; k + 1 < kc; k += 2) {
            int ap = ao + k * 4;
            int bp = bo + k * (2 * L);
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + 2 * L);
            c0 = FloatVector.broadcast(S, a[ap]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[ap + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[ap + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[ap + 3]).fma(b0, c3);
            d0 = FloatVector.broadcast(S, a[ap + 4]).fma(b1, d0);
            d1 = FloatVector.broadcast(S, a[ap + 5]).fma(b1, d1);
            d2 = FloatVector.broadcast(S, a[ap + 6]).fma(b1, d2);
            d3 = FloatVector.broadcast(S, a[ap + 7]).fma(b1, d3);
        }
        if (k < kc) {
            int ap = ao + k * 4;
            FloatVector b0 = FloatVector.fromArray(S, b, bo + k * (2 * L));
            c0 = FloatVector.broadcast(S, a[ap]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[ap + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[ap + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[ap + 3]).fma(b0, c3);
        }
        c0.add(d0).intoArray(tile, 0);
        c1.add(d1).intoArray(tile, 2 * L);
        c2.add(d2).intoArray(tile, 4 * L);
        c3.add(d3).intoArray(tile, 6 * L);
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

    static void kernel4Set(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc,
            float alpha) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            int ap = ao + k * 4;
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

    static void kernel4Add(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc,
            float alpha, float cs) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            int ap = ao + k * 4;
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
