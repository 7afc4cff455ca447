package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.L;
import static io.ghostflow.kernels.GemmBlocking.MR;
import static io.ghostflow.kernels.GemmBlocking.NR;

/**
 * The GEMM of a pointwise convolution (pre-packed weights as A, the activations [K, N] as B) with
 * B read in place instead of packed: for shallow K the packing pass over B cost a quarter to a third
 * of the convolution (mobilenet_v2's projections: M = 16..96 rows share each packed panel). Column
 * blocks outer, row panels inner, so one block of B (several K x NR strips) is loaded into the
 * caches once and read there by every row panel.
 * Measured in one JVM alternating with the packed path, mobilenet_v2's projections with bias and
 * ReLU: 32 -> 16 on 112 x 112 1.41-1.51x, 96 -> 24 on 56 x 56 1.33-1.47x, 144 -> 24 1.17-1.41x,
 * 144 -> 32 on 28 x 28 1.26x, 192 -> 64 on 14 x 14 1.12x.
 *
 * <p>Each output is the same FMA chain over k from 0 followed by the same epilogue operations as
 * in the packed path's single-block kernels, so results are bit-identical to it.
 */
final class GemmDirectB {
    /**
     * Deepest K read in place. On AVX2 192 (a strip of 192 rows of 64 bytes is 12 KiB, well within
     * L1; 384 - 960 ran 0.90-0.98x). On AVX-512, with 8-row pair tiles, up to the whole-K limit of
     * packed A (1024): resnet18 0.993, mobilenet_v2_bn 0.987, squeezenet1_1 0.985 of the time against
     * 192 (medians of 30 paired blocks in one JVM), and CpuTimeGemm's 64 x 3136 x 576 in the
     * convolution layout 93-95% of peak against 69-82% with B packed per block.
     */
    static final int MAX_K = Integer.getInteger("ghostflow.gemm.directMaxK", L >= 16 ? 1024 : 192);

    /**
     * Floats of B per column block (64 KiB, in L2): each of B's K rows is then read as one run of
     * 16384 / K floats (a KiB at K = 64), which the prefetchers follow, where 16 KiB blocks (L1)
     * read 256-byte runs from K places at once. Per node, toggled run by run in one JVM against 16
     * KiB: squeezenet1_1's squeezes on 55 x 55 0.86-0.94 and on 27 x 27 0.93-0.96, mobilenet_v2_bn's
     * projections in blocks 2 and 3 0.93-0.96, the rest unchanged. 32 KiB ran as 64; 128 and 256 KiB ran
     * 1.03-1.10x slower on the 55 x 55 squeezes.
     */
    private static final int BLOCK_FLOATS = Integer.getInteger("ghostflow.gemm.directBlock", 16384);

    /**
     * Most rows read in place: with columns outer, A is read once per column block, and from L2
     * once it outgrows L1. On AVX2 64 (160 -> 960 on 7 x 7: 0.85x; 16 -> 96 on 112 x 112: 0.90x);
     * on AVX-512 (Zen 5: 48 KiB L1, 1 MiB L2) 384, which takes MobileNet's expansions up to 64 ->
     * 384 and squeezenet1_1's: mobilenet_v2_bn 0.982-0.985 and squeezenet1_1 0.983-0.988 of the
     * time against 64, resnet18 1.003 (medians of 40-60 paired blocks in one JVM); 640 (576-row
     * expansions too) ran mobilenet_v2_bn 1.026x against 384.
     */
    static final int MAX_M = Integer.getInteger("ghostflow.gemm.directMaxM", L >= 16 ? 384 : 64);

    private GemmDirectB() {
    }

    /** Whether {@link #tiles} applies: whole-K packed A, plain B, C not read, K shallow, M small, at least one full tile. */
    static boolean suits(PackedA a, float[] bRaw, boolean transB, float beta, int m, int n, int k) {
        return MR == 4 && a != null && !a.blocked && bRaw != null && !transB && beta == 0f && k <= MAX_K
                && m >= MR && m <= MAX_M && n >= NR;
    }

    /**
     * C = epi(alpha * A * B) over the full tiles [0, m / MR * MR) x [0, n / NR * NR); the caller
     * computes the row and column remainders. aPanel0 is A's first panel for this stripe.
     */
    static void tiles(int m, int n, int k, float alpha, PackedA a, int aPanel0, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc, Epilogue epi) {
        int rows = m / MR * MR;
        int cols = n / NR * NR;
        int aStride = k * MR;
        boolean inRegisters = epi.fitsRowBiasClamp();
        float[] rowBias = epi.rowBias();
        float lo = epi.clampLow();
        float hi = epi.clampHigh();
        int blockCols = Math.max(NR, BLOCK_FLOATS / k / NR * NR);
        // Shallow store-only tiles (squeezenet1_1's Winograd GEMMs into 64 channels, K = 16) a row of a
        // block per call: fire modules 2 and 3 ran in 0.75-0.93 of the time per node. The same with bias
        // and clamp ran the shallow projections and squeezes 1.22-1.34x slower, so those keep a call per tile.
        boolean plainRows = !inRegisters && epi.isIdentity() && alpha == 1f && k <= GemmMicroKernel.ROW_MAX_K;
        for (int jb = 0; jb < cols; jb += blockCols) {
            int jEnd = Math.min(cols, jb + blockCols);
            for (int ir = 0; ir < rows; ir += MR) {
                int ao = (aPanel0 + ir / MR) * aStride;
                // Two row panels per 8-row tile where both are full (GemmPairKernel): each B row read feeds 8
                // rows. Also for the plain rows: resnet18 (Winograd GEMMs of K = 64) 0.981 of the time,
                // squeezenet1_1 and mobilenet_v2_bn 0.999-1.002 (medians of 30-40 paired blocks in one JVM).
                boolean pair = GemmPairKernel.ENABLED && ir + GemmPairKernel.ROWS <= rows;
                if (plainRows && !pair) {
                    GemmMicroKernel.row4SetStrided(k, a.data, ao, b, bOff + jb, ldb, (jEnd - jb) / NR, c,
                            cOff + ir * ldc + jb, ldc);
                    continue;
                }
                for (int jr = jb; jr < jEnd; jr += NR) {
                    int co = cOff + ir * ldc + jr;
                    if (pair && inRegisters) {
                        GemmPairKernel.kernel8SetBiasClampStrided(k, a.data, ao, ao + aStride, b, bOff + jr, ldb, c, co,
                                ldc, alpha, rowBias, epi.biasOffset() + ir, lo, hi);
                    } else if (pair) {
                        GemmPairKernel.kernel8SetStrided(k, a.data, ao, ao + aStride, b, bOff + jr, ldb, c, co, ldc, alpha);
                        epi.applyTile(c, co, ldc, ir, jr, GemmPairKernel.ROWS);
                    } else if (inRegisters) {
                        GemmMicroKernel.kernel4SetBiasClampStrided(k, a.data, ao, b, bOff + jr, ldb, c, co, ldc, alpha,
                                rowBias, epi.biasOffset() + ir, lo, hi);
                    } else {
                        GemmMicroKernel.kernel4SetStrided(k, a.data, ao, b, bOff + jr, ldb, c, co, ldc, alpha);
                        epi.applyTile(c, co, ldc, ir, jr, MR);
                    }
                }
                if (pair) {
                    ir += MR;
                }
            }
        }
    }
}
