package io.ghostflow.kernels;

import static io.ghostflow.kernels.Deinterleave.ODD_LANES;
import static io.ghostflow.kernels.Deinterleave.SPREAD_HIGH;
import static io.ghostflow.kernels.Deinterleave.SPREAD_LOW;
import static io.ghostflow.kernels.GemmBlocking.L;
import static io.ghostflow.kernels.GemmBlocking.MR;
import static io.ghostflow.kernels.GemmBlocking.NR;
import static io.ghostflow.kernels.GemmBlocking.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/** Copies blocks of row-major (optionally transposed) matrices into micro-panel order. */
final class GemmPacking {
    private GemmPacking() {
    }

    /**
     * Packs rows [i0, i0 + mc) and depth [k0, k0 + kc) of op(A) into MR-row panels of stride
     * {@code panelStride} floats starting at dst[dOff]; element (r, k) of panel p goes to
     * dst[dOff + p * panelStride + k * MR + r]. Rows past M are zero-filled. {@code vectors} false
     * keeps the Vector API out: weights packed once at load run before the JIT has compiled anything,
     * and the API's interpreted fallback allocates per operation (resnet18's first load in a JVM took
     * 390 ms, the next ones 20-70 ms).
     */
    static void packA(float[] a, int aOff, int lda, boolean transA, int m, int i0, int mc, int k0, int kc,
                      float[] dst, int dOff, int panelStride, boolean vectors) {
        for (int p = 0; p * MR < mc; p++) {
            int i = i0 + p * MR;
            int h = Math.min(MR, m - i);
            int base = dOff + p * panelStride;
            if (h < MR) {
                Arrays.fill(dst, base, base + kc * MR, 0f);
            }
            if (vectors && !transA && h == 4 && MR == 4) {
                packFourRows(a, aOff + i * lda + k0, lda, kc, dst, base);
            } else if (!transA) {
                for (int r = 0; r < h; r++) {
                    int src = aOff + (i + r) * lda + k0;
                    int d = base + r;
                    for (int k = 0; k < kc; k++, d += MR) {
                        dst[d] = a[src + k];
                    }
                }
            } else if (h == 4 && MR == 4) {
                // op(A)'s four rows at one k are adjacent in A^T: four plain moves per k (the generic copy
                // was a tenth of resnet18's samples once its 7 x 7 layers ran transposed). Not a 128-bit
                // Vector API move: with a second float species in the hot path, 6 of 8 peer-benchmark
                // JVMs ran resnet18 or mobilenet_v2_bn 1.8-2.3x slower, C2 compiling the GEMM kernels'
                // vector calls as their Java fallback; none of the next six did without it.
                for (int k = 0, src = aOff + k0 * lda + i, d = base; k < kc; k++, src += lda, d += 4) {
                    dst[d] = a[src];
                    dst[d + 1] = a[src + 1];
                    dst[d + 2] = a[src + 2];
                    dst[d + 3] = a[src + 3];
                }
            } else {
                for (int k = 0; k < kc; k++) {
                    int src = aOff + (k0 + k) * lda + i;
                    int d = base + k * MR;
                    for (int r = 0; r < h; r++) {
                        dst[d + r] = a[src + r];
                    }
                }
            }
        }
    }

    /**
     * Four rows of A from a[src] (rows lda apart), depth kc, into one panel at dst[d] (k-major, 4
     * floats per k): per L columns, the four row vectors interleaved by zips of zips (the scalar
     * copy, stores 4 floats apart, was 7% of bert_tiny_hf). The tail goes element by element.
     */
    static void packFourRows(float[] a, int src, int lda, int kc, float[] dst, int d) {
        int s1 = src + lda;
        int s2 = s1 + lda;
        int s3 = s2 + lda;
        int k = 0;
        for (; k + L <= kc; k += L) {
            FloatVector r0 = FloatVector.fromArray(S, a, src + k);
            FloatVector r1 = FloatVector.fromArray(S, a, s1 + k);
            FloatVector r2 = FloatVector.fromArray(S, a, s2 + k);
            FloatVector r3 = FloatVector.fromArray(S, a, s3 + k);
            // a: rows 0 and 2 zipped, b: rows 1 and 3; zipping a and b gives r0 r1 r2 r3 per column
            FloatVector a0 = r0.rearrange(SPREAD_LOW).blend(r2.rearrange(SPREAD_LOW), ODD_LANES);
            FloatVector b0 = r1.rearrange(SPREAD_LOW).blend(r3.rearrange(SPREAD_LOW), ODD_LANES);
            FloatVector a1 = r0.rearrange(SPREAD_HIGH).blend(r2.rearrange(SPREAD_HIGH), ODD_LANES);
            FloatVector b1 = r1.rearrange(SPREAD_HIGH).blend(r3.rearrange(SPREAD_HIGH), ODD_LANES);
            int o = d + k * 4;
            a0.rearrange(SPREAD_LOW).blend(b0.rearrange(SPREAD_LOW), ODD_LANES).intoArray(dst, o);
            a0.rearrange(SPREAD_HIGH).blend(b0.rearrange(SPREAD_HIGH), ODD_LANES).intoArray(dst, o + L);
            a1.rearrange(SPREAD_LOW).blend(b1.rearrange(SPREAD_LOW), ODD_LANES).intoArray(dst, o + 2 * L);
            a1.rearrange(SPREAD_HIGH).blend(b1.rearrange(SPREAD_HIGH), ODD_LANES).intoArray(dst, o + 3 * L);
        }
        for (; k < kc; k++) {
            int o = d + k * 4;
            dst[o] = a[src + k];
            dst[o + 1] = a[s1 + k];
            dst[o + 2] = a[s2 + k];
            dst[o + 3] = a[s3 + k];
        }
    }

    /**
     * Packs depth [k0, k0 + kc) and columns [j0, j0 + nc) of op(B) into NR-column panels of
     * stride {@code panelStride}; element (k, c) of panel q goes to dst[dOff + q * panelStride + k * NR + c].
     * Columns past N are zero-filled.
     */
    static void packB(float[] b, int bOff, int ldb, boolean transB, int n, int k0, int kc, int j0, int nc,
                      float[] dst, int dOff, int panelStride) {
        for (int q = 0; q * NR < nc; q++) {
            int j = j0 + q * NR;
            int w = Math.min(NR, n - j);
            int base = dOff + q * panelStride;
            if (!transB && w == NR) {
                // System.arraycopy per row (an intrinsic; measured on par with two Vector API moves on
                // squeezenet's pointwise shapes, while a plain copy loop ran 2x slower). Not Vector API
                // calls: in some JVMs C2 compiled them here without intrinsics (Java fallback, a vector
                // object per call: 20 MB per resnet18 run, every convolution's packing 10x slower), seen
                // in about a third of fresh test JVMs.
                for (int k = 0; k < kc; k++) {
                    int src = bOff + (k0 + k) * ldb + j;
                    int d = base + k * NR;
                    System.arraycopy(b, src, dst, d, NR);
                }
            } else if (!transB) {
                for (int k = 0; k < kc; k++) {
                    int src = bOff + (k0 + k) * ldb + j;
                    int d = base + k * NR;
                    for (int c = 0; c < w; c++) {
                        dst[d + c] = b[src + c];
                    }
                    Arrays.fill(dst, d + w, d + NR, 0f);
                }
            } else {
                if (w < NR) {
                    Arrays.fill(dst, base, base + kc * NR, 0f);
                }
                for (int c = 0; c < w; c++) {
                    int src = bOff + (j + c) * ldb + k0;
                    int d = base + c;
                    for (int k = 0; k < kc; k++, d += NR) {
                        dst[d] = b[src + k];
                    }
                }
            }
        }
    }
}
