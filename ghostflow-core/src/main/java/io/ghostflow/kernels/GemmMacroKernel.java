package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.MR;
import static io.ghostflow.kernels.GemmBlocking.NR;

/**
 * The macro-kernel of {@link Gemm}: one packed block of A (rows ic .. ic + mc) against one of B
 * (columns jc .. jc + nc) for one K block, register tile by register tile, rows outer and columns
 * inner. One instance per thread (in {@link GemmBlocking.Scratch}), rebound per block by {@link #set};
 * the per-tile code lives here in small methods so that {@code Gemm.serial}, which C2 compiles as
 * one unit, stays small.
 */
final class GemmMacroKernel {
    private int kc;
    private float alpha;
    private float beta;
    private boolean first;
    private boolean last;
    private boolean inRegisters;
    private float[] a;
    private int aBase;
    private int aStride;
    private float[] b;
    private int bBase;
    private int bStride;
    private float[] c;
    private int cBase;
    private int ldc;
    private int row0;
    private int col0;
    private Epilogue epi;
    private float[] tile;
    private float[] rowBias;
    private int biasOffset;
    private float lo;
    private float hi;
    private boolean plainSet;

    /** Binds the block: its A and B operands (packed), its corner of C and the epilogue. */
    void set(int kc, float alpha, float beta, boolean first, boolean last, boolean inRegisters, float[] a,
             int aBase, int aStride, float[] b, int bBase, int bStride, float[] c, int cBase, int ldc, int row0,
             int col0, Epilogue epi, float[] tile) {
        this.kc = kc;
        this.alpha = alpha;
        this.beta = beta;
        this.first = first;
        this.last = last;
        this.inRegisters = inRegisters;
        this.a = a;
        this.aBase = aBase;
        this.aStride = aStride;
        this.b = b;
        this.bBase = bBase;
        this.bStride = bStride;
        this.c = c;
        this.cBase = cBase;
        this.ldc = ldc;
        this.row0 = row0;
        this.col0 = col0;
        this.epi = epi;
        this.tile = tile;
        this.rowBias = epi.rowBias();
        this.biasOffset = epi.biasOffset();
        this.lo = epi.clampLow();
        this.hi = epi.clampHigh();
        this.plainSet = MR == 4 && first && beta == 0f && (!last || epi.isIdentity());
    }

    /** Drops the references to the caller's arrays (the block lives on in a thread-local). */
    void release() {
        a = null;
        b = null;
        c = null;
        epi = null;
        rowBias = null;
    }

    /**
     * The whole bound block, rows outer and columns inner: the A micro-panel stays in L1, the B block
     * in L2, and consecutive tiles of C are adjacent in memory. BLIS's order (columns outer) was
     * 0.97-0.93x of this on whole models, and on AVX-512 with deep pre-packed weights read from memory
     * (resnet18's layer4 as NarrowPlaneConv runs it, 49 x 512 x 4608) 1.07-1.10x the time.
     */
    void block(int mc, int nc, int edge, int narrowRows, int quadRows) {
        for (int ir = 0; ir < mc; ir += MR) {
            if (pairs(ir, mc)) {
                boolean nine = mc - ir == GemmPairKernel.ROWS + 1;
                rowPanelGroup(ir, mc, nc, edge, narrowRows, quadRows, nine);
                ir += nine ? 2 * MR : MR;
            } else {
                rowPanel(ir, mc, nc, edge, narrowRows, quadRows, 0);
            }
        }
    }

    /**
     * Whether the row panels at ir and ir + MR go as one 8-row tile ({@link GemmPairKernel}): both
     * below {@code rows}, and K deeper than the shallow single-call rows ({@link GemmMicroKernel#ROW_MAX_K})
     * take. Pairing shallow K as well ran squeezenet1_1, mobilenet_v2_bn and resnet18 in 0.993-1.001 of
     * the time (medians of 30 paired blocks in one JVM), so those keep their single-call rows.
     */
    private boolean pairs(int ir, int rows) {
        return GemmPairKernel.ENABLED && ir + GemmPairKernel.ROWS <= rows
                && kc > GemmMicroKernel.ROW_MAX_K;
    }

    /**
     * The row panels at ir and ir + MR (both full), and with {@code nine} the first row of the panel
     * after them (the block's last row), across the block's full column tiles in 8-row tiles
     * ({@link GemmPairKernel}) or 9-row ones ({@link GemmPairKernel#kernel9Set} / {@code kernel9Add}),
     * then each panel's remaining columns as {@link #rowPanel} does them.
     */
    private void rowPanelGroup(int ir, int mc, int nc, int edge, int narrowRows, int quadRows, boolean nine) {
        // ir is even in panels (pairs are taken from row 0 on) and narrowRows a multiple of 8: both panels agree.
        int jEnd = ir < narrowRows ? nc - edge : nc;
        int full = jEnd / NR * NR;
        for (int jr = 0; jr < full; jr += NR) {
            if (nine) {
                nineTile(ir, jr);
            } else {
                pairTile(ir, jr);
            }
        }
        rowPanel(ir, mc, nc, edge, narrowRows, quadRows, full);
        rowPanel(ir + MR, mc, nc, edge, narrowRows, quadRows, full);
        if (nine) {
            rowPanel(ir + 2 * MR, mc, nc, edge, narrowRows, quadRows, full);
        }
    }

    /** One full 9-row tile at (ir, jr), with its epilogue after the last K block. */
    private void nineTile(int ir, int jr) {
        int ao = aBase + (ir / MR) * aStride;
        int bo = bBase + (jr / NR) * bStride;
        int co = cBase + ir * ldc + jr;
        if (first && beta == 0f) {
            GemmPairKernel.kernel9Set(kc, a, ao, ao + aStride, ao + 2 * aStride, b, bo, c, co, ldc, alpha);
        } else {
            GemmPairKernel.kernel9Add(kc, a, ao, ao + aStride, ao + 2 * aStride, b, bo, c, co, ldc, alpha,
                    first ? beta : 1f);
        }
        if (last) {
            epi.applyTile(c, co, ldc, row0 + ir, col0 + jr, GemmPairKernel.ROWS + 1);
        }
    }

    /** One full 8-row tile at (ir, jr): the row panels at ir and ir + MR, with its epilogue after the last K block. */
    private void pairTile(int ir, int jr) {
        int ao = aBase + (ir / MR) * aStride;
        int ao2 = ao + aStride;
        int bo = bBase + (jr / NR) * bStride;
        int co = cBase + ir * ldc + jr;
        if (inRegisters) {
            GemmPairKernel.kernel8SetBiasClamp(kc, a, ao, ao2, b, bo, c, co, ldc, alpha, rowBias, biasOffset + row0 + ir,
                    lo, hi);
            return;
        }
        if (first && beta == 0f) {
            GemmPairKernel.kernel8Set(kc, a, ao, ao2, b, bo, c, co, ldc, alpha);
        } else {
            GemmPairKernel.kernel8Add(kc, a, ao, ao2, b, bo, c, co, ldc, alpha, first ? beta : 1f);
        }
        if (last) {
            epi.applyTile(c, co, ldc, row0 + ir, col0 + jr, GemmPairKernel.ROWS);
        }
    }

    /** One row panel across the block's columns (rows outer, columns inner), from column jStart on. */
    private void rowPanel(int ir, int mc, int nc, int edge, int narrowRows, int quadRows, int jStart) {
        int mr = Math.min(MR, mc - ir);
        int jEnd = ir < narrowRows ? nc - edge : nc;
        int jr = jStart;
        if (jr == 0 && mr == MR && (inRegisters || plainSet)) {
            // Full tiles straight from here, with bias and clamp in registers, or only storing alpha *
            // sums (C not read, no epilogue yet or none at all: the Winograd GEMMs): tile() and
            // rowPanel took about a sixth of a shallow pointwise convolution's samples (0.95-0.97x of
            // the time for K = 16..32; resnet18 and squeezenet1_1 0.987x for the store-only tiles).
            int ao = aBase + (ir / MR) * aStride;
            int co = cBase + ir * ldc;
            int biasOff = biasOffset + row0 + ir;
            if (alpha == 1f && kc <= GemmMicroKernel.ROW_MAX_K && jEnd >= NR) {
                // shallow K: the whole row of full tiles in one call
                int tiles = jEnd / NR;
                if (inRegisters) {
                    GemmMicroKernel.row4SetBiasClamp(kc, a, ao, b, bBase, bStride, tiles, c, co, ldc, rowBias, biasOff, lo,
                            hi);
                } else {
                    GemmMicroKernel.row4Set(kc, a, ao, b, bBase, bStride, tiles, c, co, ldc);
                }
                jr = tiles * NR;
            }
            for (; jr + NR <= jEnd; jr += NR) {
                int bo = bBase + (jr / NR) * bStride;
                if (inRegisters) {
                    GemmMicroKernel.kernel4SetBiasClamp(kc, a, ao, b, bo, c, co + jr, ldc, alpha, rowBias, biasOff, lo,
                            hi);
                } else {
                    GemmMicroKernel.kernel4Set(kc, a, ao, b, bo, c, co + jr, ldc, alpha);
                }
            }
        }
        for (; jr < jEnd; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            if (mr == 1 && jr + 4 * NR <= nc) {
                // A single row: four full panels per pass instead of one MR-row tile.
                int ao = aBase + (ir / MR) * aStride;
                int bo = bBase + (jr / NR) * bStride;
                int co = cBase + ir * ldc + jr;
                if (first && beta == 0f) {
                    GemmMicroKernel.row4Set(kc, a, ao, b, bo, bStride, c, co, alpha);
                } else {
                    GemmMicroKernel.row4Add(kc, a, ao, b, bo, bStride, c, co, alpha,
                            first ? beta : 1f);
                }
                if (last) {
                    epi.apply(c, co, ldc, row0 + ir, col0 + jr, 1, 4 * NR);
                }
                jr += 3 * NR;
                continue;
            }
            if (mr == 1 && jEnd == nc && jr + 3 * NR < nc) {
                // A single row's last four panels, the fourth partial (zero-padded in the packed B): one
                // pass into the scratch tile (4 * NR floats), then the live columns (LeNet's 256 -> 120
                // layer on AVX-512: whole lenet_bn 0.956 of the time, median of 200 paired blocks).
                int ao = aBase + (ir / MR) * aStride;
                int bo = bBase + (jr / NR) * bStride;
                int co = cBase + ir * ldc + jr;
                int count = nc - jr;
                GemmMicroKernel.row4Set(kc, a, ao, b, bo, bStride, tile, 0, 1f);
                mergeEdge(tile, 0, 1, c, co, ldc, 1, count, alpha, beta, first);
                if (last) {
                    epi.apply(c, co, ldc, row0 + ir, col0 + jr, 1, count);
                }
                break;
            }
            tile(ir, jr, mr, nr);
        }
        narrowEdge(ir, nc, edge, narrowRows, quadRows);
    }

    /** One mr x nr register tile at (ir, jr) of the block, with its epilogue after the last K block. */
    private void tile(int ir, int jr, int mr, int nr) {
        int ao = aBase + (ir / MR) * aStride;
        int bo = bBase + (jr / NR) * bStride;
        int co = cBase + ir * ldc + jr;
        if (mr == MR && nr == NR && inRegisters) {
            GemmMicroKernel.kernel4SetBiasClamp(kc, a, ao, b, bo, c, co, ldc, alpha,
                    rowBias, biasOffset + row0 + ir, lo, hi);
            return;
        }
        if (mr == MR && nr == NR) {
            GemmMicroKernel.kernel(kc, a, ao, b, bo, c, co, ldc, alpha, beta, first);
        } else {
            GemmMicroKernel.kernel(kc, a, ao, b, bo, tile, 0, NR, 1f, 0f, true);
            mergeEdge(tile, NR, 1, c, co, ldc, mr, nr, alpha, beta, first);
        }
        if (last && nr == NR) {
            epi.applyTile(c, co, ldc, row0 + ir, col0 + jr, mr);
        } else if (last) {
            epi.apply(c, co, ldc, row0 + ir, col0 + jr, mr, nr);
        }
    }

    /**
     * The narrow last column panel of the rows before narrowRows, after the row panel at ir:
     * sixteen rows at a time (kernel16xN, after the fourth panel of a group) or eight (kernel8x1,
     * after the second of a pair).
     */
    private void narrowEdge(int ir, int nc, int edge, int narrowRows, int quadRows) {
        int jr = nc - edge;
        int bo = bBase + (jr / NR) * bStride;
        int ao = aBase + (ir / MR) * aStride;
        if (ir < quadRows && (ir & 12) == 12) {
            int co = cBase + (ir - 12) * ldc + jr;
            GemmMicroKernel.kernel16xN(kc, a, ao - 3 * aStride, aStride, b, bo, edge, tile);
            mergeEdge(tile, 1, 16, c, co, ldc, 16, edge, alpha, beta, first);
            if (last) {
                epi.apply(c, co, ldc, row0 + ir - 12, col0 + jr, 16, edge);
            }
        } else if (ir >= quadRows && ir < narrowRows && (ir & 4) != 0 && inRegisters) {
            GemmMicroKernel.kernel8x1SetBiasClamp(kc, a, ao - aStride, ao, b, bo, c, cBase + (ir - 4) * ldc + jr, ldc, edge,
                    alpha, rowBias, biasOffset + row0 + ir - 4, lo, hi);
        } else if (ir >= quadRows && ir < narrowRows && (ir & 4) != 0) {
            int co = cBase + (ir - 4) * ldc + jr;
            GemmMicroKernel.kernel8x1(kc, a, ao - aStride, ao, b, bo, tile);
            mergeEdge(tile, NR / 2, 1, c, co, ldc, 8, edge, alpha, beta, first);
            if (last) {
                epi.apply(c, co, ldc, row0 + ir - 4, col0 + jr, 8, edge);
            }
        }
    }

    /**
     * Stores the live mr x nr part of raw sums, element (r, j) at tile[r * rowStep + j * colStep]
     * (row-major tiles: colStep 1; the 16-row column kernel's: rowStep 1, colStep 16), as the
     * kernels store a full tile.
     */
    private static void mergeEdge(float[] tile, int rowStep, int colStep, float[] c, int co, int ldc, int mr, int nr,
                                  float alpha, float beta, boolean first) {
        if (colStep == 1) {
            GemmMicroKernel.mergeRows(tile, rowStep, c, co, ldc, mr, nr, alpha, beta, first);
            return;
        }
        for (int r = 0; r < mr; r++) {
            int t = r * rowStep;
            int d = co + r * ldc;
            for (int j = 0; j < nr; j++) {
                float acc = alpha * tile[t + j * colStep];
                if (!first) {
                    c[d + j] += acc;
                } else if (beta == 0f) {
                    c[d + j] = acc;
                } else {
                    c[d + j] = acc + beta * c[d + j];
                }
            }
        }
    }
}
