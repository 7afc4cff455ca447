package io.ghostflow.kernels;

import io.ghostflow.core.GhostFlowException;
import io.ghostflow.core.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * 8-bit integer GEMM for MatMulInteger: {@code C[M,N] (int32) = sum_k (A[m,k] - za[m]) * (B[k,n] - zb[n])}
 * with A and B each int8 or uint8 (a {@code byte[]} read as signed or unsigned) and zero points
 * per tensor (a single value) or per row of A / per column of B. Results wrap like int32
 * arithmetic, as ONNX specifies.
 *
 * <p>The products run on float FMAs, which is exact here: every operand (A - za, B - zb) is an
 * integer of magnitude at most 255, so every product and every partial sum is an integer, and a
 * float holds all integers up to 2^24 exactly. The depth is cut into chunks short enough that
 * {@code chunk * max|A - za| * max|B - zb| <= 2^24} (at least 258 deep, in practice the whole
 * depth of a transformer layer); each chunk's float sums convert exactly to int and add up in
 * int32. Float FMA has twice the throughput of int32 multiply-add on AVX2 and takes its A
 * operand as a broadcast from memory, so the kernel runs register tiles of 4 rows by 2 vectors.
 *
 * <p>B is converted once ({@link #packB}): zero point removed, stored k-major as float with rows
 * padded to a whole vector, and the largest magnitude recorded for the chunk bound.
 */
public final class IntGemm {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Rows of A per register tile. */
    private static final int MR = 4;
    /** Largest partial sum magnitude that float still holds exactly. */
    private static final long EXACT = 1L << 24;
    /** Per thread: converted rows of A (MR x K floats, grown on demand) and a register tile's spill area. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][]);

    private IntGemm() {
    }

    /** B minus its zero point as exact floats: k-major [K, N], rows padded to a whole vector. */
    public static final class PackedIntB {
        final int k;
        final int n;
        final int ld;
        final float[] data;
        /** max |B - zb| over all elements. */
        final int maxAbs;

        PackedIntB(int k, int n, int ld, float[] data, int maxAbs) {
            this.k = k;
            this.n = n;
            this.ld = ld;
            this.data = data;
            this.maxAbs = maxAbs;
        }

        public int depth() {
            return k;
        }

        public int columns() {
            return n;
        }
    }

    /**
     * Packs B [K, N] (row stride ldb) minus its zero point: zb has length 1 (per tensor) or N
     * (per column); null means 0.
     */
    public static PackedIntB packB(byte[] b, int bOff, int ldb, int k, int n, boolean unsigned, int[] zb) {
        if (zb != null && zb.length != 1 && zb.length != n) {
            throw GhostFlowException.shapeMismatch("MatMulInteger: b_zero_point has " + zb.length
                    + " values, expected 1 or " + n);
        }
        int ld = (n + L - 1) / L * L;
        float[] out = new float[Math.max(1, k * ld)];
        int maxAbs = 0;
        for (int kk = 0; kk < k; kk++) {
            int src = bOff + kk * ldb;
            int dst = kk * ld;
            for (int j = 0; j < n; j++) {
                int z = zb == null ? 0 : zb.length == 1 ? zb[0] : zb[j];
                int v = (unsigned ? b[src + j] & 0xFF : b[src + j]) - z;
                out[dst + j] = v;
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
        }
        return new PackedIntB(k, n, ld, out, maxAbs);
    }

    /**
     * C[cOff + i * ldc + j] = sum_k (A[i, k] - za) * Bpacked[k, j]; A is [M, K] with row stride
     * lda, za has length 1 or M (null means 0).
     */
    public static void gemm(int m, byte[] a, int aOff, int lda, boolean unsignedA, int[] za, PackedIntB b,
                            int[] c, int cOff, int ldc, int threads) {
        if (za != null && za.length != 1 && za.length != m) {
            throw GhostFlowException.shapeMismatch("MatMulInteger: a_zero_point has " + za.length
                    + " values, expected 1 or " + m);
        }
        if (m == 0 || b.n == 0) {
            return;
        }
        // Bound on |A - za| from the type's range and the zero points (values are within the range).
        int lo = unsignedA ? 0 : -128;
        int hi = unsignedA ? 255 : 127;
        long maxA = za == null ? Math.max(-lo, hi) : 0;
        if (za != null) {
            for (int z : za) {
                maxA = Math.max(maxA, Math.max(Math.abs((long) lo - z), Math.abs((long) hi - z)));
            }
        }
        long bound = maxA * b.maxAbs;
        int kc = bound == 0 ? Math.max(1, b.k) : (int) Math.max(1, Math.min(Math.max(1, b.k), EXACT / bound));
        long work = (long) m * b.n * b.k;
        int t = work < (1 << 16) ? 1 : threads;
        int blocks = (m + MR - 1) / MR;
        Parallel.forRange(t, blocks, 1, (s, e) -> rows(s * MR, Math.min(m, e * MR), a, aOff, lda, unsignedA, za, b, c, cOff, ldc, kc));
    }

    /** One-shot convenience: packs B then multiplies. */
    public static void gemm(int m, int n, int k, byte[] a, int aOff, boolean unsignedA, int[] za,
                            byte[] b, int bOff, boolean unsignedB, int[] zb, int[] c, int cOff, int threads) {
        gemm(m, a, aOff, k, unsignedA, za, packB(b, bOff, n, k, n, unsignedB, zb), c, cOff, n, threads);
    }

    private static void rows(int i0, int i1, byte[] a, int aOff, int lda, boolean unsignedA, int[] za,
                             PackedIntB b, int[] c, int cOff, int ldc, int kc) {
        int k = b.k;
        float[][] holder = SCRATCH.get();
        if (holder[0] == null || holder[0].length < MR * k) {
            holder[0] = new float[Math.max(MR * k, 64)];
        }
        float[] af = holder[0];
        if (holder[1] == null) {
            holder[1] = new float[MR * 2 * L];
        }
        float[] tile = holder[1];
        for (int i = i0; i < i1; i += MR) {
            int rowsHere = Math.min(MR, i1 - i);
            // A short last block (and M < 4) runs the same tile with zero rows: one hot, compiled kernel
            // for every M (a rarely run second kernel would stay interpreted, boxing every vector).
            java.util.Arrays.fill(af, rowsHere * k, MR * k, 0f);
            for (int r = 0; r < rowsHere; r++) {
                int zero = za == null ? 0 : za.length == 1 ? za[0] : za[i + r];
                int ar = aOff + (i + r) * lda;
                int dst = r * k;
                if (unsignedA) {
                    for (int kk = 0; kk < k; kk++) {
                        af[dst + kk] = (a[ar + kk] & 0xFF) - zero;
                    }
                } else {
                    for (int kk = 0; kk < k; kk++) {
                        af[dst + kk] = a[ar + kk] - zero;
                    }
                }
            }
            for (int k0 = 0; k0 < k || k0 == 0; k0 += kc) {
                int k1 = Math.min(k, k0 + kc);
                boolean first = k0 == 0;
                tile4(af, k, k0, k1, b, c, cOff + i * ldc, ldc, rowsHere, first, tile);
                if (k == 0) {
                    break;
                }
            }
        }
    }

    /** The first {@code rows} (at most four) rows of C from four converted rows of A (af[r * k + kk]) over depth [k0, k1). */
    private static void tile4(float[] af, int k, int k0, int k1, PackedIntB b, int[] c, int cr, int ldc, int rows,
                              boolean first, float[] tile) {
        int n = b.n;
        int ld = b.ld;
        float[] bd = b.data;
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            FloatVector c00 = FloatVector.zero(F);
            FloatVector c01 = FloatVector.zero(F);
            FloatVector c10 = FloatVector.zero(F);
            FloatVector c11 = FloatVector.zero(F);
            FloatVector c20 = FloatVector.zero(F);
            FloatVector c21 = FloatVector.zero(F);
            FloatVector c30 = FloatVector.zero(F);
            FloatVector c31 = FloatVector.zero(F);
            int bp = k0 * ld + j;
            for (int kk = k0; kk < k1; kk++, bp += ld) {
                FloatVector b0 = FloatVector.fromArray(F, bd, bp);
                FloatVector b1 = FloatVector.fromArray(F, bd, bp + L);
                FloatVector a0 = FloatVector.broadcast(F, af[kk]);
                c00 = b0.fma(a0, c00);
                c01 = b1.fma(a0, c01);
                FloatVector a1 = FloatVector.broadcast(F, af[k + kk]);
                c10 = b0.fma(a1, c10);
                c11 = b1.fma(a1, c11);
                FloatVector a2 = FloatVector.broadcast(F, af[2 * k + kk]);
                c20 = b0.fma(a2, c20);
                c21 = b1.fma(a2, c21);
                FloatVector a3 = FloatVector.broadcast(F, af[3 * k + kk]);
                c30 = b0.fma(a3, c30);
                c31 = b1.fma(a3, c31);
            }
            c00.intoArray(tile, 0);
            c01.intoArray(tile, L);
            c10.intoArray(tile, 2 * L);
            c11.intoArray(tile, 3 * L);
            c20.intoArray(tile, 4 * L);
            c21.intoArray(tile, 5 * L);
            c30.intoArray(tile, 6 * L);
            c31.intoArray(tile, 7 * L);
            flush(tile, rows, 2 * L, 2 * L, c, cr + j, ldc, first);
        }
        for (; j < n; j += L) {
            // The packed rows are padded to a whole vector, so the loads are in bounds; flush writes only the n - j real columns.
            FloatVector c0 = FloatVector.zero(F);
            FloatVector c1 = FloatVector.zero(F);
            FloatVector c2 = FloatVector.zero(F);
            FloatVector c3 = FloatVector.zero(F);
            int bp = k0 * ld + j;
            for (int kk = k0; kk < k1; kk++, bp += ld) {
                FloatVector b0 = FloatVector.fromArray(F, bd, bp);
                c0 = b0.fma(FloatVector.broadcast(F, af[kk]), c0);
                c1 = b0.fma(FloatVector.broadcast(F, af[k + kk]), c1);
                c2 = b0.fma(FloatVector.broadcast(F, af[2 * k + kk]), c2);
                c3 = b0.fma(FloatVector.broadcast(F, af[3 * k + kk]), c3);
            }
            c0.intoArray(tile, 0);
            c1.intoArray(tile, L);
            c2.intoArray(tile, 2 * L);
            c3.intoArray(tile, 3 * L);
            flush(tile, rows, L, Math.min(L, n - j), c, cr + j, ldc, first);
        }
    }

    /**
     * The exact integer sums of a register tile (rows x cols floats, row stride ts in tile) to
     * int32 C: stored for the first depth chunk, added (wrapping) for later ones. The tile goes
     * through a small array because a vector passed to a call that C2 does not inline is boxed.
     */
    private static void flush(float[] tile, int rows, int ts, int cols, int[] c, int off, int ldc, boolean first) {
        for (int r = 0; r < rows; r++) {
            int t = r * ts;
            int o = off + r * ldc;
            int j = 0;
            for (; j + L <= cols; j += L) {
                IntVector v = (IntVector) FloatVector.fromArray(F, tile, t + j).convert(VectorOperators.F2I, 0);
                if (first) {
                    v.intoArray(c, o + j);
                } else {
                    v.add(IntVector.fromArray(I, c, o + j)).intoArray(c, o + j);
                }
            }
            for (; j < cols; j++) {
                int v = (int) tile[t + j];
                c[o + j] = first ? v : c[o + j] + v;
            }
        }
    }
}
