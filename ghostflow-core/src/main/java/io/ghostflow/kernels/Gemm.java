package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.KC;
import static io.ghostflow.kernels.GemmBlocking.MC;
import static io.ghostflow.kernels.GemmBlocking.MR;
import static io.ghostflow.kernels.GemmBlocking.NC;
import static io.ghostflow.kernels.GemmBlocking.NR;

import io.ghostflow.core.GhostFlowException;
import io.ghostflow.core.Parallel;

/**
 * fp32 GEMM: {@code C[M,N] = epilogue(alpha * op(A)[M,K] * op(B)[K,N] + beta * C)}.
 * Matrices are row-major {@code float[]} with an offset and a leading dimension (the distance
 * between rows as stored, i.e. of A^T when transA). Either operand may be pre-packed once
 * ({@link #packA}, {@link #packB}); an unpacked operand is packed block by block into per-thread
 * scratch. With beta == 0, C is not read (NaN in C does not leak). The epilogue is applied to
 * each micro-tile right after its last K block, while the tile is in L1.
 *
 * <p>Threads: the output is split into {@code threads} stripes along M or N (whichever has more
 * micro-tiles) and run through {@link Parallel}; 1 runs inline on the caller.
 */
public final class Gemm {
    /** Below this many multiply-adds handing chunks to the worker team costs more than it saves. */
    private static final long PARALLEL_MIN_MACS = 1L << 17;
    /**
     * Fewest multiply-adds for which a single row (a classifier head at batch 1, memory-bound: it streams
     * its weights once) is split over the threads: resnet18's 512 -> 1000 head ran 0.11 ms on one thread
     * and 0.17 ms split over two; mobilenet_v2_bn's 1280 -> 1000 (5 MB of weights, 0.18 ms on one thread)
     * split ran the model in 0.972-0.978 of the time on 2 threads (medians of 30 paired blocks in one JVM).
     */
    private static final long SINGLE_ROW_PARALLEL_MIN_MACS = 1L << 20;
    /** Deepest K a pointwise convolution takes in one block (its A micro-panel, 4 x K floats, stays within half of L1). */
    private static final int WHOLE_K_MAX = Integer.getInteger("ghostflow.gemm.wholeK", 1024);

    private Gemm() {
    }

    /** Rows of the register tile (for callers that size work items). */
    public static int tileRows() {
        return MR;
    }

    /** Columns of the register tile: two vectors of the preferred species. */
    public static int tileColumns() {
        return NR;
    }

    /** Packs op(B) [K, N] (B stored [K, N] with row stride ldb, or [N, K] if transB). */
    public static PackedB packB(float[] b, int offset, int ldb, int k, int n, boolean transB) {
        checkDims("packB", k, n);
        int panels = PackedB.panels(n);
        float[] data = new float[panels * NR * Math.max(k, 0)];
        boolean blocked = k > WHOLE_K_MAX;
        if (!blocked) {
            GemmPacking.packB(b, offset, ldb, transB, n, 0, k, 0, n, data, 0, k * NR);
        } else {
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                GemmPacking.packB(b, offset, ldb, transB, n, pc, kc, 0, n, data, pc * panels * NR, kc * NR);
            }
        }
        return new PackedB(k, n, data, blocked);
    }

    /** {@link #packB(float[], int, int, int, int, boolean)} for a dense matrix (ldb = N, or K if transB). */
    public static PackedB packB(float[] b, int offset, int k, int n, boolean transB) {
        return packB(b, offset, transB ? k : n, k, n, transB);
    }

    /** Packs op(A) [M, K] (A stored [M, K] with row stride lda, or [K, M] if transA). */
    public static PackedA packA(float[] a, int offset, int lda, int m, int k, boolean transA) {
        checkDims("packA", m, k);
        int panels = PackedA.panels(m);
        float[] data = new float[panels * MR * Math.max(k, 0)];
        boolean blocked = k > WHOLE_K_MAX;
        if (!blocked) {
            GemmPacking.packA(a, offset, lda, transA, m, 0, m, 0, k, data, 0, k * MR, false);
        } else {
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                GemmPacking.packA(a, offset, lda, transA, m, 0, m, pc, kc, data, pc * panels * MR, kc * MR, false);
            }
        }
        return new PackedA(m, k, data, blocked);
    }

    /** {@link #packA(float[], int, int, int, int, boolean)} for a dense matrix (lda = K, or M if transA). */
    public static PackedA packA(float[] a, int offset, int m, int k, boolean transA) {
        return packA(a, offset, transA ? m : k, m, k, transA);
    }

    /** C = epi(op(A) * B) with pre-packed B (alpha 1, beta 0). */
    public static void gemm(int m, int n, int k, float[] a, int aOff, int lda, boolean transA, PackedB b,
                            float[] c, int cOff, int ldc, Epilogue epi, int threads) {
        gemm(m, n, k, 1f, a, aOff, lda, transA, b, 0f, c, cOff, ldc, epi, threads);
    }

    /** C = epi(alpha * op(A) * B + beta * C) with pre-packed B. */
    public static void gemm(int m, int n, int k, float alpha, float[] a, int aOff, int lda, boolean transA,
                            PackedB b, float beta, float[] c, int cOff, int ldc, Epilogue epi, int threads) {
        if (b.k != k || b.n != n) {
            throw GhostFlowException.shapeMismatch("gemm: packed B is [" + b.k + ", " + b.n + "], expected ["
                    + k + ", " + n + "]");
        }
        run(m, n, k, alpha, Operand.raw(a, aOff, lda, transA), new Operand(null, 0, 0, false, null, b, null, null),
                beta, c, cOff, ldc, epi, threads);
    }

    /** C = epi(alpha * op(A) * op(B) + beta * C), both operands unpacked. */
    public static void gemm(int m, int n, int k, float alpha, float[] a, int aOff, int lda, boolean transA,
                            float[] b, int bOff, int ldb, boolean transB, float beta, float[] c, int cOff, int ldc,
                            Epilogue epi, int threads) {
        run(m, n, k, alpha, Operand.raw(a, aOff, lda, transA), Operand.raw(b, bOff, ldb, transB),
                beta, c, cOff, ldc, epi, threads);
    }

    /** C = epi(alpha * A * op(B) + beta * C) with pre-packed A (convolution weights). */
    public static void gemm(int m, int n, int k, float alpha, PackedA a, float[] b, int bOff, int ldb, boolean transB,
                            float beta, float[] c, int cOff, int ldc, Epilogue epi, int threads) {
        if (a.m != m || a.k != k) {
            throw GhostFlowException.shapeMismatch("gemm: packed A is [" + a.m + ", " + a.k + "], expected ["
                    + m + ", " + k + "]");
        }
        run(m, n, k, alpha, packed(a), Operand.raw(b, bOff, ldb, transB), beta, c, cOff, ldc, epi, threads);
    }

    /** C = epi(A * B) with pre-packed A and B gathered panel by panel from its source (implicit im2col). */
    static void gemm(int m, int n, int k, PackedA a, BPanelSource b, float[] c, int cOff, int ldc, Epilogue epi,
                     int threads) {
        if (a.m != m || a.k != k) {
            throw GhostFlowException.shapeMismatch("gemm: packed A is [" + a.m + ", " + a.k + "], expected ["
                    + m + ", " + k + "]");
        }
        run(m, n, k, 1f, packed(a), new Operand(null, 0, 0, false, null, null, b, null), 0f, c, cOff, ldc, epi, threads);
    }

    private static Operand packed(PackedA a) {
        return new Operand(null, 0, 0, false, a, null, null, null);
    }

    /**
     * One operand: a raw matrix (array, offset, ld, trans), a packed one (panel0 shifts packed
     * panels), or for B a panel source (off is then the first column of the stripe). packedFrom:
     * the raw or source operand a per-call shared packing was made from (it decides the K blocking,
     * so that results do not depend on the thread count).
     */
    private record Operand(float[] raw, int off, int ld, boolean trans, PackedA packedA, PackedB packedB,
                           BPanelSource source, Operand packedFrom) {
        static Operand raw(float[] a, int off, int ld, boolean trans) {
            return new Operand(a, off, ld, trans, null, null, null, null);
        }

        /** The same operand restricted to rows (A) or columns (B) starting at {@code start}. */
        Operand from(int start, boolean isA) {
            if (start == 0) {
                return this;
            }
            if (source != null) {
                return new Operand(null, off + start, 0, false, null, null, source, null);
            }
            if (raw == null) {
                throw new IllegalStateException("packed operands are offset by panel, not here");
            }
            // A: row start (stride ld, or 1 if transposed). B: column start (1, or ld if transposed).
            int shift = isA == trans ? start : start * ld;
            return new Operand(raw, off + shift, ld, trans, null, null, null, null);
        }
    }

    private static void checkDims(String what, int x, int y) {
        if (x < 0 || y < 0) {
            throw GhostFlowException.invalidArgument(what + ": negative dimension " + x + "x" + y);
        }
    }

    private static void run(int m, int n, int k, float alpha, Operand a, Operand b, float beta,
                            float[] c, int cOff, int ldc, Epilogue epi, int threads) {
        if (m < 0 || n < 0 || k < 0) {
            throw GhostFlowException.invalidArgument("gemm: negative dimension M=" + m + " N=" + n + " K=" + k);
        }
        if (m == 0 || n == 0) {
            return;
        }
        Epilogue e = epi == null ? Epilogue.NONE : epi;
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int idx = cOff + i * ldc + j;
                    c[idx] = beta == 0f ? 0f : beta * c[idx];
                }
            }
            e.apply(c, cOff, ldc, 0, 0, m, n);
            return;
        }
        int tilesM = (m + MR - 1) / MR;
        int tilesN = (n + NR - 1) / NR;
        long macs = (long) m * n * k;
        boolean singleRowTooSmall = m == 1 && macs < SINGLE_ROW_PARALLEL_MIN_MACS;
        if (threads <= 1 || macs < PARALLEL_MIN_MACS || singleRowTooSmall || (tilesM < 2 && tilesN < 2)) {
            serial(m, n, k, alpha, a, 0, b, 0, beta, c, cOff, ldc, e);
            return;
        }
        if (tilesM >= tilesN) {
            // Stripes that read B in place (GemmDirectB) need no packing at all.
            int stripeRows = Math.min(m, (tilesM + threads - 1) / threads * MR);
            Operand bs = GemmDirectB.suits(a.packedA, b.raw, b.trans, beta, stripeRows, n, k) ? b
                    : sharedPacking(b, k, n, threads);
            Parallel.forRange(threads, tilesM, 1, (s, t) -> {
                int i0 = s * MR;
                int i1 = Math.min(m, t * MR);
                Operand as = a.raw == null ? a : a.from(i0, true);
                int panel = a.raw == null ? s : 0;
                serial(i1 - i0, n, k, alpha, as, panel, bs, 0, beta, c, cOff + i0 * ldc, ldc, e.shifted(i0, 0));
            });
        } else {
            Parallel.forRange(threads, tilesN, 1, (s, t) -> {
                int j0 = s * NR;
                int j1 = Math.min(n, t * NR);
                Operand bs = b.packedB != null ? b : b.from(j0, false);
                int panel = b.packedB != null ? s : 0;
                serial(m, j1 - j0, k, alpha, a, 0, bs, panel, beta, c, cOff + j0, ldc, e.shifted(0, j0));
            });
        }
    }

    /**
     * B packed once for all row stripes, the threads packing a share of its panels each: split over
     * M, every stripe needs all of B, and each packed it for itself (resnet18's stride-2 and 1 x 1
     * layers on 14 x 14 and 7 x 7 outputs, where M has more tiles than N, packed B twice on two
     * threads). Unchanged if B is pre-packed or larger than {@link #SHARED_PACK_MAX_FLOATS}. On two
     * threads, in one JVM alternating with per-stripe packing: resnet18's 3 x 3 stride-2 layers
     * 1.08-1.16x, its 1 x 1 stride-2 ones 1.06-1.26x, pointwise layers on 7 x 7 unchanged (0.99-1.01x).
     */
    private static Operand sharedPacking(Operand b, int k, int n, int threads) {
        int panels = PackedB.panels(n);
        long size = (long) panels * NR * k;
        if (b.packedB != null || size > SHARED_PACK_MAX_FLOATS) {
            return b;
        }
        float[] data = SHARED_B.get(0, (int) size);
        Parallel.forRange(threads, panels, 1, (q0, q1) -> {
            int j0 = q0 * NR;
            int nc = Math.min(n, q1 * NR) - j0;
            if (b.source != null) {
                b.source.pack(0, k, b.off + j0, nc, data, q0 * NR * k, k * NR);
            } else {
                GemmPacking.packB(b.raw, b.off, b.ld, b.trans, n, 0, k, j0, nc, data, q0 * NR * k, k * NR);
            }
        });
        return new Operand(null, 0, 0, false, null, new PackedB(k, n, data, false), null, b);
    }

    /**
     * Largest B (whole K, all columns rounded up to panels) packed as one block when A is
     * pre-packed: 512 KiB, half of this machine's L2. A then streams from memory once instead of
     * once per column block; squeezenet1_1's classifier (1000 x 512 weights, 2 MB, on 13 x 13 = 169
     * columns, which took two blocks of 128) ran in 0.935-0.968 of the time per node, in one JVM
     * alternating with the narrower blocks. Only the block width changes, so the sums do not.
     */
    private static final int WIDE_B_MAX_FLOATS = 1 << 17;
    private static final ScratchFloats WIDE_B = new ScratchFloats(1);

    /** The per-thread buffer a packed K x nc block of B goes to: the GEMM scratch, or a wider one for wide blocks. */
    private static float[] bBlockBuffer(GemmBlocking.Scratch scratch, int kc, int nc) {
        int size = kc * ((nc + NR - 1) / NR * NR);
        return size <= scratch.b.length ? scratch.b : WIDE_B.get(0, size);
    }

    /** Largest B packed once for all row stripes (8 MB). */
    private static final long SHARED_PACK_MAX_FLOATS = 1L << 21;
    private static final ScratchFloats SHARED_B = new ScratchFloats(1);

    /**
     * The five-loop blocked GEMM over one stripe. aPanel0 / bPanel0 are the first packed panel of
     * a pre-packed operand belonging to this stripe.
     */
    private static void serial(int m, int n, int k, float alpha, Operand a, int aPanel0, Operand b, int bPanel0,
                               float beta, float[] c, int cOff, int ldc, Epilogue epi) {
        if (GemmDirectB.suits(a.packedA, b.raw, b.trans, beta, m, n, k)) {
            GemmDirectB.tiles(m, n, k, alpha, a.packedA, aPanel0, b.raw, b.off, b.ld, c, cOff, ldc, epi);
            int rows = m / MR * MR;
            int cols = n / NR * NR;
            if (cols < n) {
                serial(m, n - cols, k, alpha, a, aPanel0, b.from(cols, false), 0, beta, c, cOff + cols, ldc,
                        epi.shifted(0, cols));
            }
            if (rows < m) {
                serial(m - rows, cols, k, alpha, a, aPanel0 + rows / MR, b, 0, beta, c, cOff + rows * ldc, ldc,
                        epi.shifted(rows, 0));
            }
            return;
        }
        GemmBlocking.Scratch scratch = GemmBlocking.SCRATCH.get();
        float[] tile = scratch.tile;
        // With one operand pre-packed (a convolution's weights as A, a MatMul's as B) and K up to
        // WHOLE_K_MAX, K is taken in one block: C is then written once (with bias and ReLU / Clip in
        // registers for the convolution) instead of read back per 256-deep block, and each micro-kernel
        // call runs long enough to amortize its set-up (CpuTimeGemm 1024^3 with B pre-packed, three
        // alternating pairs: 63.0 / 53.4 / 54.3 -> 67.6 / 63.7 / 58.3 GFLOP/s). The operand packed per block
        // gets fewer rows / columns so it fits the same scratch. Decided by K alone, so every batch size
        // and stripe sums each element in the same order.
        int kcMax = KC;
        int ncMax = NC;
        int mcMax = MC;
        // A shared packing of B blocks K as its source would have: the same sums whatever the thread count.
        Operand bKind = b.packedFrom != null ? b.packedFrom : b;
        // An im2col source counts as the raw B it stands for (resnet18's 3 x 3 stride-2 64 -> 128 layer,
        // K = 576: 0.94 of the time per node with K whole, alternating in one JVM).
        boolean onePrepacked = (a.packedA != null && (bKind.raw != null || bKind.source != null))
                || (bKind.packedB != null && a.packedA == null);
        if (onePrepacked && k > KC && k <= WHOLE_K_MAX) {
            kcMax = k;
            if (b.packedB == null) {
                ncMax = Math.max(NR, KC * NC / k / NR * NR);
                int allColumns = (n + NR - 1) / NR * NR;
                if ((long) k * allColumns <= WIDE_B_MAX_FLOATS) {
                    ncMax = Math.max(ncMax, allColumns);
                }
            } else {
                mcMax = Math.max(MR, KC * MC / k / MR * MR);
            }
        }
        for (int jc = 0; jc < n; jc += ncMax) {
            int nc = Math.min(ncMax, n - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                boolean first = pc == 0;
                boolean last = pc + kc == k;
                float[] bArr;
                int bBase;
                int bStride;
                if (b.packedB != null && b.packedB.blocked) {
                    // K > WHOLE_K_MAX, so kcMax == KC here: the layout's blocks are these blocks.
                    bArr = b.packedB.data;
                    bStride = kc * NR;
                    bBase = pc * PackedB.panels(b.packedB.n) * NR + (bPanel0 + jc / NR) * bStride;
                } else if (b.packedB != null) {
                    bArr = b.packedB.data;
                    bStride = k * NR;
                    bBase = (bPanel0 + jc / NR) * bStride + pc * NR;
                } else if (b.source != null) {
                    bArr = bBlockBuffer(scratch, kc, nc);
                    bStride = kc * NR;
                    bBase = 0;
                    b.source.pack(pc, kc, b.off + jc, nc, bArr, 0, bStride);
                } else {
                    bArr = bBlockBuffer(scratch, kc, nc);
                    bStride = kc * NR;
                    bBase = 0;
                    GemmPacking.packB(b.raw, b.off, b.ld, b.trans, n, pc, kc, jc, nc, bArr, 0, bStride);
                }
                // One K block, C not read, a bias-and-clamp epilogue: all of it in the 4-row kernel's registers.
                boolean inRegisters = MR == 4 && first && last && beta == 0f && epi.fitsRowBiasClamp();
                // A last panel of at most one vector of live columns (N = 49 leaves one) goes through
                // kernel8x1 for pairs of full row panels: the 4 x 2-vector tile would be up to 15/16 padding.
                int edge = nc % NR;
                boolean narrowEdge = MR == 4 && edge != 0 && edge <= NR / 2;
                // One to three live columns: per column, 16 rows in four 128-bit FMAs (kernel16xN).
                boolean columnEdge = narrowEdge && edge <= 3;
                for (int ic = 0; ic < m; ic += mcMax) {
                    int mc = Math.min(mcMax, m - ic);
                    int narrowRows = narrowEdge ? mc & ~7 : 0;
                    int quadRows = columnEdge ? mc & ~15 : 0;
                    float[] aArr;
                    int aBase;
                    int aStride;
                    if (a.packedA != null && a.packedA.blocked) {
                        // K > WHOLE_K_MAX, so kcMax == KC here: the layout's blocks are these blocks.
                        aArr = a.packedA.data;
                        aStride = kc * MR;
                        aBase = pc * PackedA.panels(a.packedA.m) * MR + (aPanel0 + ic / MR) * aStride;
                    } else if (a.packedA != null) {
                        aArr = a.packedA.data;
                        aStride = k * MR;
                        aBase = (aPanel0 + ic / MR) * aStride + pc * MR;
                    } else {
                        aArr = scratch.a;
                        aStride = kc * MR;
                        aBase = 0;
                        GemmPacking.packA(a.raw, a.off, a.ld, a.trans, m, ic, mc, pc, kc, aArr, 0, aStride, true);
                    }
                    GemmMacroKernel blk = scratch.block;
                    blk.set(kc, alpha, beta, first, last, inRegisters, aArr, aBase, aStride, bArr, bBase, bStride,
                            c, cOff + ic * ldc + jc, ldc, ic, jc, epi, tile);
                    blk.block(mc, nc, edge, narrowRows, quadRows);
                }
            }
        }
        scratch.block.release();
    }
}
