package io.ghostflow.runtime.ops.linalg;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The single float matrix-multiply entry point of the nn/linalg ops, so that a faster kernel
 * (Vector API, pre-packed B) can be plugged in here without touching the operators.
 * Row-major operands with explicit offsets and leading dimensions. Delegates to
 * {@link io.ghostflow.kernels.Gemm} (packed panels, register-blocked micro-kernel, threads over
 * M or N); the older 4-row loop below stays only as {@link #sgemmSimple}, a reference for tests.
 */
public final class MatMulKernel {
    private static final int KB = 256;
    private static final int NB = 512;

    private MatMulKernel() {
    }

    /**
     * C[m x n] = A[m x k] * B[k x n] (+ C when {@code accumulate}). A transposed operand is
     * given in its stored layout ([k x m] / [n x k]) and read through its leading dimension.
     */
    public static void sgemm(int m, int n, int k, float[] a, int aOff, int lda, boolean transA,
                             float[] b, int bOff, int ldb, boolean transB,
                             float[] c, int cOff, int ldc, boolean accumulate, int threads) {
        // The packed, register-blocked kernel of io.ghostflow.kernels handles transposes while packing.
        io.ghostflow.kernels.Gemm.gemm(m, n, k, 1f, a, aOff, lda, transA, b, bOff, ldb, transB, accumulate ? 1f : 0f,
                c, cOff, ldc, null, threads);
    }

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    /** The previous simple kernel (no packing), kept as a second reference implementation. */
    static void sgemmSimple(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, boolean accumulate) {
        if (m > 0 && n > 0) {
            block(0, m, 0, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    /**
     * Rows [r0, r1), columns [c0, c1) of the product. Four rows of C share each vector of B
     * (register tile of 4 x vector width, accumulated over a K block), the rest runs i-k-j.
     */
    private static void block(int r0, int r1, int c0, int c1, int k, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        if (!accumulate) {
            for (int i = r0; i < r1; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc + c0, cOff + i * ldc + c1, 0f);
            }
        }
        int vl = SPECIES.length();
        for (int j0 = c0; j0 < c1; j0 += NB) {
            int j1 = Math.min(c1, j0 + NB);
            int jv = j0 + (j1 - j0) / vl * vl;
            for (int p0 = 0; p0 < k; p0 += KB) {
                int p1 = Math.min(k, p0 + KB);
                int i = r0;
                for (; i + 4 <= r1; i += 4) {
                    int a0 = aOff + i * lda;
                    int a1 = a0 + lda;
                    int a2 = a1 + lda;
                    int a3 = a2 + lda;
                    int cr0 = cOff + i * ldc;
                    int cr1 = cr0 + ldc;
                    int cr2 = cr1 + ldc;
                    int cr3 = cr2 + ldc;
                    for (int j = j0; j < jv; j += vl) {
                        FloatVector s0 = FloatVector.fromArray(SPECIES, c, cr0 + j);
                        FloatVector s1 = FloatVector.fromArray(SPECIES, c, cr1 + j);
                        FloatVector s2 = FloatVector.fromArray(SPECIES, c, cr2 + j);
                        FloatVector s3 = FloatVector.fromArray(SPECIES, c, cr3 + j);
                        for (int p = p0; p < p1; p++) {
                            FloatVector bv = FloatVector.fromArray(SPECIES, b, bOff + p * ldb + j);
                            s0 = FloatVector.broadcast(SPECIES, a[a0 + p]).fma(bv, s0);
                            s1 = FloatVector.broadcast(SPECIES, a[a1 + p]).fma(bv, s1);
                            s2 = FloatVector.broadcast(SPECIES, a[a2 + p]).fma(bv, s2);
                            s3 = FloatVector.broadcast(SPECIES, a[a3 + p]).fma(bv, s3);
                        }
                        s0.intoArray(c, cr0 + j);
                        s1.intoArray(c, cr1 + j);
                        s2.intoArray(c, cr2 + j);
                        s3.intoArray(c, cr3 + j);
                    }
                    if (jv < j1) {
                        scalarRows(i, i + 4, jv, j1, p0, p1, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
                    }
                }
                if (i < r1) {
                    scalarRows(i, r1, j0, j1, p0, p1, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
                }
            }
        }
    }

    private static void scalarRows(int r0, int r1, int j0, int j1, int p0, int p1, float[] a, int aOff, int lda,
                                   float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        for (int i = r0; i < r1; i++) {
            int ci = cOff + i * ldc;
            int ai = aOff + i * lda;
            for (int p = p0; p < p1; p++) {
                float av = a[ai + p];
                int bp = bOff + p * ldb;
                for (int j = j0; j < j1; j++) {
                    c[ci + j] += av * b[bp + j];
                }
            }
        }
    }

    /** The [cols x rows] transpose of a [rows x cols] matrix stored with leading dimension ld. */
    public static float[] transpose(float[] x, int off, int ld, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            int xr = off + r * ld;
            for (int col = 0; col < cols; col++) {
                t[col * rows + r] = x[xr + col];
            }
        }
        return t;
    }
}
