package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.L;

import io.ghostflow.core.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * A Winograd F(t x t, 3x3) convolution with its weights transformed into packed GEMM operands,
 * one per position of the transformed tile: the input transform of every tile, one GEMM per
 * position {@code M_xy[outC, tiles] = U_xy * V_xy}, and the output transform, each phase split over
 * the threads. Subclasses give the two transforms: {@link WinogradConv} (t = 2) and
 * {@link Winograd4Conv} (t = 4).
 */
abstract class WinogradKernel {
    /** Transformed inputs and GEMM results of one pass stay within this many floats (4 MB). */
    private static final int PASS_FLOATS = 1 << 20;
    /** Slot 0: transformed input V; slot 1: GEMM results M (both shared by the run's threads). */
    private static final ScratchFloats RUN = new ScratchFloats(2);

    final int c;
    final int outC;
    /** U_xy as GEMM left operands [outC, C], xy = row * (t + 2) + column of the transformed tile. */
    final PackedA[] u;
    /** Output tile side t. */
    private final int tile;

    WinogradKernel(int c, int outC, PackedA[] u, int tile) {
        this.c = c;
        this.outC = outC;
        this.u = u;
        this.tile = tile;
    }

    /** Images per pass for geometry p: as many as fit {@link #PASS_FLOATS}, at least one. */
    int imagesPerPass(Conv2d.Params p) {
        long perImage = (long) u.length * (c + outC) * ((p.outH() + tile - 1) / tile) * ((p.outW() + tile - 1) / tile);
        return (int) Math.max(1, Math.min(p.n(), PASS_FLOATS / Math.max(1, perImage)));
    }

    /**
     * y = epi(conv(x)); x is [N, C, H, W], y is [N, outC, OH, OW]; p has this kernel's C and outC.
     * The tiles of all images sit side by side in the GEMMs (N = images x tiles), and each output
     * column is one FMA chain in channel order whatever N is, so a batch computes exactly what its
     * images compute alone.
     */
    void run(Conv2d.Params p, float[] x, int xOff, float[] y, int yOff, Epilogue e, int threads) {
        int oh = p.outH();
        int ow = p.outW();
        int th = (oh + tile - 1) / tile;
        int tw = (ow + tile - 1) / tile;
        int tiles = p.n() * th * tw;
        int positions = u.length;
        // Rows of V and M hold L spare floats (and the GEMM's spare columns): a tile row's last vector
        // may run past the row's end, into tiles that are written later or into the spare floats.
        int cols = gemmColumns(tiles);
        int ld = Math.max(tiles + L, cols);
        float[] v = RUN.get(0, positions * c * ld);
        float[] mm = RUN.get(1, positions * outC * ld);
        Parallel.forRangeBalanced(threads, c, (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                inputTransform(p, x, xOff, ch, th, tw, v, ld);
            }
        });
        Parallel.forRangeBalanced(threads, positions, (q0, q1) -> {
            for (int xy = q0; xy < q1; xy++) {
                // U_xy is read once per run, by this thread: swept in first, its cache misses are all in
                // flight at once instead of one by one inside the GEMM. With ONNX Runtime runs between
                // (as in the peer benchmark): resnet18 0.933-0.936 of the time (U_xy 16-256 KB, 0.6, 2.4
                // and 4.2 MB a layer in layers 1-3), squeezenet1_1 0.984-0.987; on 2 threads 0.944-0.950
                // and 0.996. Not past half of L2, where the sweep would evict its own beginning.
                if (u[xy].data.length <= Prefetch.L2_FLOATS) {
                    Prefetch.sweep(u[xy].data, 0, u[xy].data.length);
                }
                Gemm.gemm(outC, cols, c, 1f, u[xy], v, xy * c * ld, ld, false, 0f, mm, xy * outC * ld, ld,
                        Epilogue.NONE, 1);
            }
        });
        // The epilogue is indexed per image as [outC, OH * OW]: the residual moves by one image.
        Epilogue[] perImage = new Epilogue[p.n()];
        for (int image = 0; image < p.n(); image++) {
            perImage[image] = e.withResidualRowsAhead(image * outC);
        }
        // A bias, a residual and ReLU / Clip at most go into the output transform's stores; other
        // activations (and column biases) are a pass over each plane after it.
        boolean inStores = e.atMostRowBiasResidualClamp();
        float[] bias = inStores ? e.rowBias() : null;
        float lo = inStores ? e.clampLow() : Float.NEGATIVE_INFINITY;
        float hi = inStores ? e.clampHigh() : Float.POSITIVE_INFINITY;
        // Absent, the residual is read as -0 (an exact identity) from Epilogue's row of them, at step 0.
        boolean residual = inStores && e.residual() != null;
        float[] res = residual ? e.residual() : Epilogue.NEG_ZEROS;
        int resStep = residual ? 1 : 0;
        Parallel.forRangeBalanced(threads, p.n() * outC, (w0, w1) -> {
            for (int i = w0; i < w1; i++) {
                int image = i / outC;
                int m = i % outC;
                int plane = yOff + (image * outC + m) * oh * ow;
                // x + -0f == x for every x: no bias adds nothing
                float b = bias == null ? -0f : bias[e.biasOffset() + m];
                // residual[off + row * ld + pixel], row m of this image's [outC, OH * OW]
                int resOff = residual ? perImage[image].residualOffset() + m * e.residualLd() : 0;
                outputTransform(mm, ld, image * th * tw, m, th, tw, oh, ow, y, plane, b, res, resOff, resStep, lo, hi);
                if (!inStores) {
                    perImage[image].apply(y, plane, oh * ow, m, 0, 1, oh * ow);
                }
            }
        });
    }

    /**
     * Columns the GEMMs compute: the tiles, rounded up to whole register tiles when the last one
     * would be more than half full. Such an edge ran as a whole tile anyway, into scratch, then
     * merged element by element; computing the spare columns of V (stale but harmless: every
     * column of M depends on its own column of V only, and the output transform reads the tiles
     * alone) in place is cheaper. 49 tiles (7 x 7 planes) on AVX-512: squeezenet1_1 0.955 of the
     * time, resnet18 0.986 (median of 40 paired blocks in one JVM); padding narrow edges as well
     * (which have their own kernels) gained less (0.965 / 0.997).
     */
    static int gemmColumns(int tiles) {
        int edge = tiles % GemmBlocking.NR;
        return edge > GemmBlocking.NR / 2 ? tiles - edge + GemmBlocking.NR : tiles;
    }

    /**
     * V_xy[ch][t] (at v[(xy * C + ch) * ld + t]) for every tile t of channel ch of every image,
     * tiles in increasing order: a row's last vector may write garbage lanes onto tiles written after it.
     */
    abstract void inputTransform(Conv2d.Params p, float[] x, int xOff, int ch, int th, int tw, float[] v, int ld);

    /** Output channel m of one image (its tiles start at t0 in M): the output transform, clipped to OH x OW. */
    abstract void outputTransform(float[] mm, int ld, int t0, int m, int th, int tw, int oh, int ow, float[] y,
                                  int plane, float bias, float[] res, int resOff, int resStep, float lo, float hi);


    /**
     * y[d + j] = clamp(src[s + j] + bias + res[r + j * resStep], lo, hi) for j < n: an output row
     * stored with the bias, residual and clamp of {@link Epilogue}'s row pass ((x + bias) + residual,
     * then the compare-and-blend clamp; with bias -0, residual -0 and infinite bounds an exact copy),
     * so the bits are those of a separate pass. That pass over every output plane was 3% of
     * squeezenet1_1's samples; bias and clamp in the stores: squeezenet1_1 0.980-0.981, resnet18 0.993
     * of the time (medians of 40-60 paired blocks in one JVM), the residual too: resnet18 0.994-0.997;
     * with the rows' ragged ends element by element instead of one masked vector, squeezenet1_1 ran 1.066x.
     * Rows must be stored in increasing order within a plane ending at {@code limit}.
     */
    static void storeRow(float[] src, int s, float[] y, int d, int n, int limit, float bias, float[] res, int r,
                         int resStep, float lo, float hi) {
        int j = 0;
        // A ragged end whose whole vector ends inside the plane (below limit) is stored whole: the lanes
        // past the row land on later rows of the plane, which this thread stores after it (squeezenet1_1
        // 0.992, resnet18 0.993 of the time, medians of 30 paired blocks in one JVM). The plane's last rows
        // keep the masked vector: the next plane may belong to another thread.
        int bound = d + (n + L - 1) / L * L <= limit ? n : GemmBlocking.S.loopBound(n);
        for (; j < bound; j += L) {
            FloatVector v = FloatVector.fromArray(GemmBlocking.S, src, s + j).add(bias)
                    .add(FloatVector.fromArray(GemmBlocking.S, res, r + j * resStep));
            VectorMath.clamp(v, lo, hi).intoArray(y, d + j);
        }
        if (j < n) {
            // The ragged end as one masked vector: rows of 13, 27 or 55 outputs are mostly tail.
            VectorMask<Float> live = GemmBlocking.S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(GemmBlocking.S, src, s + j, live).add(bias)
                    .add(FloatVector.fromArray(GemmBlocking.S, res, r + j * resStep, live));
            VectorMath.clamp(v, lo, hi).intoArray(y, d + j, live);
        }
    }
}
