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
 * <p>B is converted once ({@link #packB}): zero point removed, stored as float in contiguous
 * column panels two vectors wide (k-major inside a panel), and its largest magnitude recorded for
 * the chunk bound. Per call, A - za is converted to float with four rows interleaved per depth
 * step (from bytes, or for {@link #gemmExact} from the exact floats a dynamically quantizing
 * caller produces); the loops run B panels outside and row blocks inside, so a panel stays in
 * L1. (Reading four row-major rows directly instead measured faster alone but slower inside
 * bert_tiny_int8, where the interleaved block is one stream for the prefetcher.)
 */
public final class IntGemm {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Rows of A per register tile. */
    private static final int MR = 4;
    /** Columns per register tile and B panel: two vectors. */
    private static final int W = 2 * L;
    /** Largest partial sum magnitude that float still holds exactly. */
    private static final long EXACT = 1L << 24;
    /** Per thread: the converted rows of A (grown on demand) and a register tile's spill area. */
    private static final ScratchFloats SCRATCH = new ScratchFloats(2);
    /** Per calling thread: int32 sums of a float-output product whose depth needs several exact chunks. */
    private static final ThreadLocal<int[][]> INT_SCRATCH = ThreadLocal.withInitial(() -> new int[][] {new int[0]});

    private IntGemm() {
    }

    /**
     * B minus its zero point as exact floats, in column panels of {@link #W} columns (the last
     * zero-padded), each panel k-major and contiguous, so that a register tile streams it.
     */
    public static final class PackedIntB {
        final int k;
        final int n;
        final float[] data;
        /** max |B - zb| over all elements. */
        final int maxAbs;

        PackedIntB(int k, int n, float[] data, int maxAbs) {
            this.k = k;
            this.n = n;
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
        int panels = (n + W - 1) / W;
        float[] out = new float[Math.max(1, panels * k * W)];
        int maxAbs = 0;
        for (int kk = 0; kk < k; kk++) {
            int src = bOff + kk * ldb;
            for (int j = 0; j < n; j++) {
                int z = zb == null ? 0 : zb.length == 1 ? zb[0] : zb[j];
                int v = (unsigned ? b[src + j] & 0xFF : b[src + j]) - z;
                out[(j / W) * k * W + kk * W + j % W] = v;
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
        }
        return new PackedIntB(k, n, out, maxAbs);
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
        int kc = chunk(maxA, b);
        int blocks = (m + MR - 1) / MR;
        Parallel.forRange(threads(m, b, threads), blocks, 1, (s, e) -> {
            int i0 = s * MR;
            int i1 = Math.min(m, e * MR);
            int k = b.k;
            // A - za as floats, MR rows interleaved per depth step (af[block][kk][r]); a short last
            // block gets zero rows, so every M runs the one hot 4-row kernel (a rarely run second
            // kernel would stay interpreted and box every vector)
            int rowsPadded = (e - s) * MR;
            float[] af = SCRATCH.get(0, Math.max(rowsPadded * k, 64));
            java.util.Arrays.fill(af, (i1 - i0) / MR * MR * k, rowsPadded * k, 0f);
            for (int i = i0; i < i1; i++) {
                int zero = za == null ? 0 : za.length == 1 ? za[0] : za[i];
                int ar = aOff + i * lda;
                int dst = ((i - i0) / MR) * MR * k + (i - i0) % MR;
                if (unsignedA) {
                    for (int kk = 0; kk < k; kk++) {
                        af[dst + kk * MR] = (a[ar + kk] & 0xFF) - zero;
                    }
                } else {
                    for (int kk = 0; kk < k; kk++) {
                        af[dst + kk * MR] = a[ar + kk] - zero;
                    }
                }
            }
            rows(i1 - i0, af, 0, b, kc, c, null, cOff + i0 * ldc, ldc);
        });
    }

    /**
     * The product of A given as floats holding the integers A - za (row-major from aOff, row
     * stride lda; every |value| at most maxA) and packed B, as float: c[cOff + i * ldc + j] is
     * the int32 result (wrapping as MatMulInteger's) rounded to float, as Cast to float rounds
     * it. Exact float sums are stored directly when the whole depth is one exact chunk, which
     * saves the int round trip of a caller that wants float anyway, and A needs no conversion
     * from bytes.
     */
    public static void gemmExact(int m, float[] a, int aOff, int lda, int maxA, PackedIntB b, float[] c, int cOff, int ldc, int threads) {
        if (m == 0 || b.n == 0) {
            return;
        }
        int kc = chunk(maxA, b);
        int[] ci = null;
        if (kc < b.k) {
            int[][] holder = INT_SCRATCH.get();
            if (holder[0].length < m * b.n) {
                holder[0] = new int[m * b.n];
            }
            ci = holder[0];
        }
        int[] acc = ci;
        int blocks = (m + MR - 1) / MR;
        Parallel.forRange(threads(m, b, threads), blocks, 1, (s, e) -> {
            int i0 = s * MR;
            int i1 = Math.min(m, e * MR);
            int[] ic = acc;
            float[] fc = acc == null ? c : null;
            int off = acc == null ? cOff + i0 * ldc : i0 * b.n;
            int ld = acc == null ? ldc : b.n;
            int k = b.k;
            int rowsPadded = (e - s) * MR;
            float[] af = SCRATCH.get(0, Math.max(rowsPadded * k, 64));
            java.util.Arrays.fill(af, (i1 - i0) / MR * MR * k, rowsPadded * k, 0f);
            // whole groups of four rows with the GEMM's vector packing, a last partial group element by element
            int whole = i0 + (i1 - i0) / MR * MR;
            for (int i = i0; i < whole; i += MR) {
                GemmPacking.packFourRows(a, aOff + i * lda, lda, k, af, (i - i0) * k);
            }
            for (int i = whole; i < i1; i++) {
                int ar = aOff + i * lda;
                int dst = ((i - i0) / MR) * MR * k + (i - i0) % MR;
                for (int kk = 0; kk < k; kk++) {
                    af[dst + kk * MR] = a[ar + kk];
                }
            }
            rows(i1 - i0, af, 0, b, kc, ic, fc, off, ld);
        });
        if (ci != null) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < b.n; j++) {
                    c[cOff + i * ldc + j] = ci[i * b.n + j];
                }
            }
        }
    }

    /** Depth per exact chunk: chunk * maxA * max|B - zb| stays within float's exact integers. */
    private static int chunk(long maxA, PackedIntB b) {
        long bound = maxA * b.maxAbs;
        return bound == 0 ? Math.max(1, b.k) : (int) Math.max(1, Math.min(Math.max(1, b.k), EXACT / bound));
    }

    private static int threads(int m, PackedIntB b, int threads) {
        long work = (long) m * b.n * b.k;
        return work < (1 << 16) ? 1 : threads;
    }

    /** One-shot convenience: packs B then multiplies. */
    public static void gemm(int m, int n, int k, byte[] a, int aOff, boolean unsignedA, int[] za,
                            byte[] b, int bOff, boolean unsignedB, int[] zb, int[] c, int cOff, int threads) {
        gemm(m, a, aOff, k, unsignedA, za, packB(b, bOff, n, k, n, unsignedB, zb), c, cOff, n, threads);
    }

    /**
     * {@code rowCount} rows of A (floats from ao, 4 rows interleaved per depth step, the last
     * block zero-padded) times B into int C (ic) or, when the depth is one chunk, float C (fc),
     * from off with row stride ldc.
     */
    private static void rows(int rowCount, float[] af, int ao, PackedIntB b, int kc, int[] ic, float[] fc, int off, int ldc) {
        int k = b.k;
        int n = b.n;
        int blocks = (rowCount + MR - 1) / MR;
        float[] tile = SCRATCH.get(1, MR * W);
        int panels = (n + W - 1) / W;
        int k0 = 0;
        do {
            int k1 = Math.min(k, k0 + kc);
            boolean first = k0 == 0;
            // panel outer, row blocks inner: one B panel (k x W floats) is reused from L1 by every block
            for (int p = 0; p < panels; p++) {
                int cols = Math.min(W, n - p * W);
                for (int blk = 0; blk < blocks; blk++) {
                    int r0 = blk * MR;
                    int rows = Math.min(MR, rowCount - r0);
                    int at = off + r0 * ldc + p * W;
                    if (fc != null && cols == W && GemmPairKernel.ENABLED && r0 + 2 * MR <= rowCount) {
                        // Two full row blocks as one 8-row tile (GemmPairKernel; exact integer sums, so the same
                        // values): bert_tiny_int8 0.943 of the time (median of 40 paired blocks in one JVM).
                        GemmPairKernel.kernel8Set(k1 - k0, af, ao + r0 * k + k0 * MR, ao + (r0 + MR) * k + k0 * MR,
                                b.data, p * k * W + k0 * W, fc, at, ldc, 1f);
                        blk++;
                        continue;
                    }
                    if (fc != null && rows == MR && cols == W) {
                        // a full tile of exact sums straight into float C: bert_tiny_int8 0.956-0.981x of the time
                        tile(af, ao + r0 * k, b.data, p * k * W, k0, k1, fc, at, ldc);
                        continue;
                    }
                    tile(af, ao + r0 * k, b.data, p * k * W, k0, k1, tile, 0, W);
                    if (fc != null) {
                        // exact sums stored as they are (times 1)
                        GemmMicroKernel.mergeRows(tile, W, fc, at, ldc, rows, cols, 1f, 0f, true);
                    } else {
                        flush(tile, rows, cols, ic, at, ldc, first);
                    }
                }
            }
            k0 = k1;
        } while (k0 < k);
    }

    /**
     * A 4 x W register tile: out[to + r * ld + w] = sum over [k0, k1) of af[ao + kk * 4 + r] * bd[bo + kk * W + w];
     * into a small array (ld = W) for partial tiles and int C, straight into float C for full tiles.
     * A's index is the loop counter: with a separate depth counter C2 derived both indexes from it
     * on every step (22 instructions per 8 FMAs, now 19); bert_tiny_int8's dense layers ran 0.83 of the time
     * this way, the whole model 0.87 (run by run in one JVM, median of the paired ratios).
     */
    private static void tile(float[] af, int ao, float[] bd, int bo, int k0, int k1, float[] out, int to, int ld) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c31 = FloatVector.zero(F);
        int bp = bo + k0 * W;
        for (int ap = ao + k0 * MR, aEnd = ao + k1 * MR; ap < aEnd; ap += MR, bp += W) {
            FloatVector b0 = FloatVector.fromArray(F, bd, bp);
            FloatVector b1 = FloatVector.fromArray(F, bd, bp + L);
            FloatVector a0 = FloatVector.broadcast(F, af[ap]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(F, af[ap + 1]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(F, af[ap + 2]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(F, af[ap + 3]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
        }
        c00.intoArray(out, to);
        c01.intoArray(out, to + L);
        c10.intoArray(out, to + ld);
        c11.intoArray(out, to + ld + L);
        c20.intoArray(out, to + 2 * ld);
        c21.intoArray(out, to + 2 * ld + L);
        c30.intoArray(out, to + 3 * ld);
        c31.intoArray(out, to + 3 * ld + L);
    }

    /**
     * The exact integer sums of a register tile (rows x cols floats, row stride W in tile) to
     * int32 C: stored for the first depth chunk, added (wrapping) for later ones. The tile goes
     * through a small array because a vector passed to a call that C2 does not inline is boxed.
     */
    private static void flush(float[] tile, int rows, int cols, int[] c, int off, int ldc, boolean first) {
        for (int r = 0; r < rows; r++) {
            int t = r * W;
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
