package io.ghostflow.kernels.reference;

/** Plain MatMulInteger reference: int32 sum of (a - za) * (b - zb) with wrapping arithmetic. */
public final class ReferenceIntGemm {
    private ReferenceIntGemm() {
    }

    public static void gemm(int m, int n, int k, byte[] a, boolean unsignedA, int[] za,
                            byte[] b, boolean unsignedB, int[] zb, int[] c) {
        for (int i = 0; i < m; i++) {
            int zai = za == null ? 0 : za.length == 1 ? za[0] : za[i];
            for (int j = 0; j < n; j++) {
                int zbj = zb == null ? 0 : zb.length == 1 ? zb[0] : zb[j];
                int acc = 0;
                for (int p = 0; p < k; p++) {
                    int av = unsignedA ? a[i * k + p] & 0xFF : a[i * k + p];
                    int bv = unsignedB ? b[p * n + j] & 0xFF : b[p * n + j];
                    acc += (av - zai) * (bv - zbj);
                }
                c[i * n + j] = acc;
            }
        }
    }
}
