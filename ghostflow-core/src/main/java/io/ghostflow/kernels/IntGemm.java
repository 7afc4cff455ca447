package io.ghostflow.kernels;

import io.ghostflow.core.GhostFlowException;
import io.ghostflow.core.Parallel;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * 8-bit integer GEMM for MatMulInteger: {@code C[M,N] (int32) = sum_k (A[m,k] - za[m]) * (B[k,n] - zb[n])}
 * with A and B each int8 or uint8 (a {@code byte[]} read as signed or unsigned) and zero points
 * per tensor (a single value) or per row of A / per column of B. Results wrap like int32
 * arithmetic, as ONNX specifies.
 *
 * <p>B is widened once ({@link #packB}): ByteVector lanes are sign- or zero-extended to int
 * lanes with {@code convertShape}, the zero point subtracted, and stored k-major; the kernel
 * then broadcasts (A - za) per k and runs int multiply-adds over four B vectors per row.
 */
public final class IntGemm {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = I.length();
    /** Bytes that widen into exactly one int vector. */
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED;
    private static final int PARTS = B.length() / L;

    private IntGemm() {
    }

    /** B widened to int32 with its zero point removed: k-major [K, N], rows padded to a whole vector. */
    public static final class PackedIntB {
        final int k;
        final int n;
        final int ld;
        final int[] data;

        PackedIntB(int k, int n, int ld, int[] data) {
            this.k = k;
            this.n = n;
            this.ld = ld;
            this.data = data;
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
        int[] out = new int[Math.max(1, k * ld)];
        int[] zrow = new int[ld];
        for (int j = 0; j < n; j++) {
            zrow[j] = zb == null ? 0 : zb.length == 1 ? zb[0] : zb[j];
        }
        VectorOperators.Conversion<Byte, Integer> widen =
                unsigned ? VectorOperators.ZERO_EXTEND_B2I : VectorOperators.B2I;
        for (int kk = 0; kk < k; kk++) {
            int src = bOff + kk * ldb;
            int dst = kk * ld;
            int j = 0;
            for (; j + B.length() <= n; j += B.length()) {
                ByteVector bytes = ByteVector.fromArray(B, b, src + j);
                for (int part = 0; part < PARTS; part++) {
                    IntVector v = (IntVector) bytes.convertShape(widen, I, part);
                    v.sub(IntVector.fromArray(I, zrow, j + part * L)).intoArray(out, dst + j + part * L);
                }
            }
            for (; j < n; j++) {
                int v = unsigned ? b[src + j] & 0xFF : b[src + j];
                out[dst + j] = v - zrow[j];
            }
        }
        return new PackedIntB(k, n, ld, out);
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
        long work = (long) m * b.n * b.k;
        int t = work < (1 << 16) ? 1 : threads;
        Parallel.forRange(t, m, 1, (s, e) -> rows(s, e, a, aOff, lda, unsignedA, za, b, c, cOff, ldc));
    }

    /** One-shot convenience: packs B then multiplies. */
    public static void gemm(int m, int n, int k, byte[] a, int aOff, boolean unsignedA, int[] za,
                            byte[] b, int bOff, boolean unsignedB, int[] zb, int[] c, int cOff, int threads) {
        gemm(m, a, aOff, k, unsignedA, za, packB(b, bOff, n, k, n, unsignedB, zb), c, cOff, n, threads);
    }

    private static void rows(int i0, int i1, byte[] a, int aOff, int lda, boolean unsignedA, int[] za,
                             PackedIntB b, int[] c, int cOff, int ldc) {
        int n = b.n;
        int k = b.k;
        int ld = b.ld;
        int[] bd = b.data;
        // Columns in blocks of 4 vectors (accumulators in registers), then single vectors, then scalars.
        for (int i = i0; i < i1; i++) {
            int zero = za == null ? 0 : za.length == 1 ? za[0] : za[i];
            int ar = aOff + i * lda;
            int cr = cOff + i * ldc;
            int j = 0;
            for (; j + 4 * L <= n; j += 4 * L) {
                IntVector c0 = IntVector.zero(I);
                IntVector c1 = IntVector.zero(I);
                IntVector c2 = IntVector.zero(I);
                IntVector c3 = IntVector.zero(I);
                int bp = j;
                for (int kk = 0; kk < k; kk++, bp += ld) {
                    int av = (unsignedA ? a[ar + kk] & 0xFF : a[ar + kk]) - zero;
                    if (av == 0) {
                        continue;
                    }
                    IntVector avv = IntVector.broadcast(I, av);
                    c0 = IntVector.fromArray(I, bd, bp).mul(avv).add(c0);
                    c1 = IntVector.fromArray(I, bd, bp + L).mul(avv).add(c1);
                    c2 = IntVector.fromArray(I, bd, bp + 2 * L).mul(avv).add(c2);
                    c3 = IntVector.fromArray(I, bd, bp + 3 * L).mul(avv).add(c3);
                }
                c0.intoArray(c, cr + j);
                c1.intoArray(c, cr + j + L);
                c2.intoArray(c, cr + j + 2 * L);
                c3.intoArray(c, cr + j + 3 * L);
            }
            for (; j < n; j += L) {
                // The packed rows are padded to a whole vector, so the load is in bounds; only the store is masked.
                IntVector acc = IntVector.zero(I);
                int bp = j;
                for (int kk = 0; kk < k; kk++, bp += ld) {
                    int av = (unsignedA ? a[ar + kk] & 0xFF : a[ar + kk]) - zero;
                    acc = IntVector.fromArray(I, bd, bp).mul(av).add(acc);
                }
                acc.intoArray(c, cr + j, I.indexInRange(j, n));
            }
        }
    }
}
