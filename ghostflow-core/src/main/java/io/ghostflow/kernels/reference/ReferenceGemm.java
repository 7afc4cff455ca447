package io.ghostflow.kernels.reference;

import io.ghostflow.kernels.Epilogue;

/** Plain triple-loop fp32 GEMM with the same contract as {@link io.ghostflow.kernels.Gemm}; accumulates in double. */
public final class ReferenceGemm {
    private ReferenceGemm() {
    }

    /** C = epi(alpha * op(A) * op(B) + beta * C); also returns, per element, sum |terms| into absSum if non-null. */
    public static void gemm(int m, int n, int k, float alpha, float[] a, int aOff, int lda, boolean transA,
                            float[] b, int bOff, int ldb, boolean transB, float beta, float[] c, int cOff, int ldc,
                            Epilogue epi, double[] absSum) {
        Epilogue e = epi == null ? Epilogue.NONE : epi;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    acc += (double) av * bv;
                    abs += Math.abs((double) av * bv);
                }
                int idx = cOff + i * ldc + j;
                double v = alpha * acc + (beta == 0f ? 0.0 : (double) beta * c[idx]);
                if (absSum != null) {
                    absSum[i * n + j] = Math.abs(alpha) * abs + (beta == 0f ? 0.0 : Math.abs((double) beta * c[idx]));
                }
                c[idx] = e.applyScalar((float) v, i, j);
            }
        }
    }
}
