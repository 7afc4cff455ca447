package io.ghostflow.kernels;

import static io.ghostflow.kernels.Deinterleave.ODD_LANES;
import static io.ghostflow.kernels.Deinterleave.SPREAD_HIGH;
import static io.ghostflow.kernels.Deinterleave.SPREAD_LOW;
import static io.ghostflow.kernels.GemmBlocking.L;
import static io.ghostflow.kernels.GemmBlocking.MR;
import static io.ghostflow.kernels.GemmBlocking.S;

import io.ghostflow.core.Parallel;
import jdk.incubator.vector.FloatVector;

/**
 * 3x3 stride-1 convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, 2015):
 * each 2x2 output tile of one channel pair costs 16 multiplies instead of 36. The weights are
 * transformed once ({@code U = G g G^T}, 16 values per output/input channel pair) and packed as
 * 16 GEMM operands [outC, C]. Per run: every 4x4 input tile (stride 2) is transformed
 * ({@code V = B^T d B}), the 16 GEMMs {@code M_xy[outC, tiles] = U_xy * V_xy} run in the tuned
 * packed GEMM, and each output tile is {@code A^T M A}. The transforms add and subtract only (the
 * weight transform also halves), so results stay within a few ulps of direct convolution.
 *
 * <p>The tiles of the images of one call sit side by side in one GEMM (N = images x tiles;
 * {@link Conv2d} calls with as many images as {@link #imagesPerPass} allows), and each output
 * column is one FMA chain in channel order whatever N is, so a batch computes exactly what its
 * images compute one by one.
 */
final class WinogradConv extends WinogradKernel {
    /** Transformed values per 2x2 output tile (a 4x4 input tile). */
    private static final int POSITIONS = 16;
    /**
     * Fewer channels make the GEMMs too shallow for the transforms to pay; 16 is where squeezenet's
     * first fire modules start, which still gain (16_55_64: about 80 effective GFLOP/s against 39
     * with im2col). Not tuned below that.
     */
    private static final int MIN_CHANNELS = 16;

    /** Per thread: one padded input plane split into even and odd columns. */
    private static final ScratchFloats PLANE = new ScratchFloats(2);
    /** Per thread: two output rows. */
    private static final ScratchFloats ROWS = new ScratchFloats(2);

    private WinogradConv(int c, int outC, PackedA[] u) {
        super(c, outC, u, 2);
    }

    /** Whether the convolution's attributes (not its input size) suit this kernel. */
    static boolean suits(Conv2d.Params p) {
        return p.kH() == 3 && p.kW() == 3 && p.strideH() == 1 && p.strideW() == 1 && p.dilationH() == 1
                && p.dilationW() == 1 && p.groups() == 1 && p.c() >= MIN_CHANNELS && p.outC() >= MIN_CHANNELS;
    }

    /**
     * Transforms weights [outC, C, 3, 3] starting at w[offset] straight into the 16 packed
     * operands (the layout of {@link PackedA}: row m, column ch at ((m / MR) * C + ch) * MR + m % MR).
     */
    static WinogradConv prepare(float[] w, int offset, int outC, int c) {
        float[][] u = new float[POSITIONS][PackedA.panels(outC) * MR * c];
        // Panels of MR output channels in parallel (a session's load time is mostly this transform for
        // resnet18); within a panel, channel by channel, so each packed array is written in order.
        int panels = PackedA.panels(outC);
        Parallel.forRange(Parallel.availableThreads(), panels, Math.max(1, (1 << 16) / (MR * c)), (p0, p1) -> {
            for (int panel = p0; panel < p1; panel++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int r = 0; r < MR && panel * MR + r < outC; r++) {
                        transformPair(w, offset + ((panel * MR + r) * c + ch) * 9, u, (panel * c + ch) * MR + r);
                    }
                }
            }
        });
        PackedA[] packed = new PackedA[POSITIONS];
        for (int xy = 0; xy < POSITIONS; xy++) {
            packed[xy] = new PackedA(outC, c, u[xy], false);
        }
        return new WinogradConv(c, outC, packed);
    }

    /** U = G g G^T for the 3x3 kernel at w[g], into u[xy][at]. */
    private static void transformPair(float[] w, int g, float[][] u, int at) {
        float a0 = w[g];
        float a1 = w[g + 1];
        float a2 = w[g + 2];
        float b0 = w[g + 3];
        float b1 = w[g + 4];
        float b2 = w[g + 5];
        float d0 = w[g + 6];
        float d1 = w[g + 7];
        float d2 = w[g + 8];
        // rows of G g: g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2; then (.) G^T along each row
        transformRow(u, at, 0, a0, a1, a2);
        transformRow(u, at, 4, (a0 + b0 + d0) * 0.5f, (a1 + b1 + d1) * 0.5f, (a2 + b2 + d2) * 0.5f);
        transformRow(u, at, 8, (a0 - b0 + d0) * 0.5f, (a1 - b1 + d1) * 0.5f, (a2 - b2 + d2) * 0.5f);
        transformRow(u, at, 12, d0, d1, d2);
    }

    private static void transformRow(float[][] u, int at, int xy0, float x0, float x1, float x2) {
        u[xy0][at] = x0;
        u[xy0 + 1][at] = (x0 + x1 + x2) * 0.5f;
        u[xy0 + 2][at] = (x0 - x1 + x2) * 0.5f;
        u[xy0 + 3][at] = x2;
    }

    /**
     * V_xy[ch][t] for every tile t of one channel of every image, images in order (see
     * {@link #combineRows} for why the order matters). Each plane is zero-padded to the tile
     * grid and split into even and odd columns, so that tile column tx reads entries tx and tx + 1
     * of each part and a vector covers L neighbouring tiles.
     */
    @Override
    void inputTransform(Conv2d.Params p, float[] x, int xOff, int ch, int th, int tw, float[] v, int ld) {
        int rows = 2 * th + 2;
        int wq = tw + 1;
        // L + 1 spare floats: the last vector of the last tile row reads past the plane
        float[] even = PLANE.get(0, rows * wq + L + 1);
        float[] odd = PLANE.get(1, rows * wq + L + 1);
        int stride = c * ld;
        for (int image = 0; image < p.n(); image++) {
            splitPadded(p, x, xOff + (image * p.c() + ch) * p.h() * p.w(), rows, wq, even, odd);
            int base = ch * ld + image * th * tw;
            for (int ty = 0; ty < th; ty++) {
                int r0 = 2 * ty * wq;
                int r1 = r0 + wq;
                int r2 = r1 + wq;
                int r3 = r2 + wq;
                int out = base + ty * tw;
                combineRows(even, odd, r0, r1, r2, r3, tw, v, out, stride);
            }
        }
    }

    /** even[r * wq + q] = padded plane (r, 2q), odd[..] = (r, 2q + 1); zero outside the image. */
    private static void splitPadded(Conv2d.Params p, float[] x, int plane, int rows, int wq, float[] even, float[] odd) {
        int h = p.h();
        int w = p.w();
        int top = p.padTop();
        int left = p.padLeft();
        // q in [qa, qb): both columns 2q - left and 2q + 1 - left inside the row
        int qa = Math.min(wq, (left + 1) / 2);
        int qb = Math.max(qa, Math.min(wq, (w + left) / 2));
        for (int r = 0; r < rows; r++) {
            int iy = r - top;
            int o = r * wq;
            if (iy < 0 || iy >= h) {
                java.util.Arrays.fill(even, o, o + wq, 0f);
                java.util.Arrays.fill(odd, o, o + wq, 0f);
                continue;
            }
            int src = plane + iy * w - left;
            for (int q = 0; q < qa; q++) {
                splitEdge(x, src, w, left, q, even, odd, o);
            }
            Deinterleave.split(x, src + 2 * qa, qb - qa, even, o + qa, odd, o + qa);
            for (int q = qb; q < wq; q++) {
                splitEdge(x, src, w, left, q, even, odd, o);
            }
        }
    }

    private static void splitEdge(float[] x, int src, int w, int left, int q, float[] even, float[] odd, int o) {
        int ix = 2 * q - left;
        even[o + q] = ix >= 0 && ix < w ? x[src + 2 * q] : 0f;
        odd[o + q] = ix + 1 >= 0 && ix + 1 < w ? x[src + 2 * q + 1] : 0f;
    }

    /**
     * One tile row of B^T d B: the rows of B^T d (d0 - d2, d1 + d2, d2 - d1, d1 - d3 of the split
     * rows at r0 .. r3), then per row the four column combinations e0 - e2, e1 + e2, e2 - e1,
     * e1 - e3 (columns 2tx .. 2tx + 3 are even[tx], odd[tx], even[tx + 1], odd[tx + 1]) into V at
     * positions 0 .. 15.
     *
     * <p>Whole vectors only, from the start of the tile row: lanes past the row's last tile hold
     * garbage and land on the next tiles of V, which the caller writes afterwards (tiles are
     * transformed in increasing order by one thread per channel), or on a row's spare floats.
     *
     * <p>One method for all sixteen outputs on purpose: its bytecode is larger than C2 inlines, so
     * it is always compiled on its own, with every Vector API call expanded. Written as four calls
     * of a per-row method, C2 inlined them into the caller, and in some JVMs those inlined copies
     * ran the API's Java fallback (a vector object per operation) for good: one of four 30 s runs
     * of resnet18 at batch 8 allocated 8.7 MB per run from them (JFR), six of six runs of this form
     * none. It also loads each row once instead of twice.
     */
    private static void combineRows(float[] even, float[] odd, int r0, int r1, int r2, int r3, int tw, float[] v,
                                    int out, int stride) {
        for (int tx = 0; tx < tw; tx += L) {
            FloatVector a0 = FloatVector.fromArray(S, even, r1 + tx);
            FloatVector a1 = FloatVector.fromArray(S, odd, r1 + tx);
            FloatVector a2 = FloatVector.fromArray(S, even, r1 + tx + 1);
            FloatVector a3 = FloatVector.fromArray(S, odd, r1 + tx + 1);
            FloatVector b0 = FloatVector.fromArray(S, even, r2 + tx);
            FloatVector b1 = FloatVector.fromArray(S, odd, r2 + tx);
            FloatVector b2 = FloatVector.fromArray(S, even, r2 + tx + 1);
            FloatVector b3 = FloatVector.fromArray(S, odd, r2 + tx + 1);
            // row 1: d1 + d2
            FloatVector e0 = a0.add(b0);
            FloatVector e1 = a1.add(b1);
            FloatVector e2 = a2.add(b2);
            FloatVector e3 = a3.add(b3);
            int o = out + 4 * stride + tx;
            e0.sub(e2).intoArray(v, o);
            e1.add(e2).intoArray(v, o + stride);
            e2.sub(e1).intoArray(v, o + 2 * stride);
            e1.sub(e3).intoArray(v, o + 3 * stride);
            // row 2: d2 - d1
            e0 = b0.sub(a0);
            e1 = b1.sub(a1);
            e2 = b2.sub(a2);
            e3 = b3.sub(a3);
            o = out + 8 * stride + tx;
            e0.sub(e2).intoArray(v, o);
            e1.add(e2).intoArray(v, o + stride);
            e2.sub(e1).intoArray(v, o + 2 * stride);
            e1.sub(e3).intoArray(v, o + 3 * stride);
            // row 0: d0 - d2
            e0 = FloatVector.fromArray(S, even, r0 + tx).sub(b0);
            e1 = FloatVector.fromArray(S, odd, r0 + tx).sub(b1);
            e2 = FloatVector.fromArray(S, even, r0 + tx + 1).sub(b2);
            e3 = FloatVector.fromArray(S, odd, r0 + tx + 1).sub(b3);
            o = out + tx;
            e0.sub(e2).intoArray(v, o);
            e1.add(e2).intoArray(v, o + stride);
            e2.sub(e1).intoArray(v, o + 2 * stride);
            e1.sub(e3).intoArray(v, o + 3 * stride);
            // row 3: d1 - d3
            e0 = a0.sub(FloatVector.fromArray(S, even, r3 + tx));
            e1 = a1.sub(FloatVector.fromArray(S, odd, r3 + tx));
            e2 = a2.sub(FloatVector.fromArray(S, even, r3 + tx + 1));
            e3 = a3.sub(FloatVector.fromArray(S, odd, r3 + tx + 1));
            o = out + 12 * stride + tx;
            e0.sub(e2).intoArray(v, o);
            e1.add(e2).intoArray(v, o + stride);
            e2.sub(e1).intoArray(v, o + 2 * stride);
            e1.sub(e3).intoArray(v, o + 3 * stride);
        }
    }

    /**
     * Output channel m of one image: A^T M A per tile (rows m0 + m1 + m2 and m1 - m2 - m3, then
     * the same along columns), written as the 2x2 pixels of the tile, clipped to OH x OW.
     */
    @Override
    void outputTransform(float[] mm, int ld, int t0, int m, int th, int tw, int oh, int ow, float[] y,
                                 int plane, float bias, float[] res, int resOff, int resStep, float lo, float hi) {
        // The image's tiles run flat, row after row (as M holds them): vectors of L tiles may span
        // tile rows, so narrow planes fill the lanes (7 tiles per row on 13 x 13, 16 lanes); lanes
        // past the last tile are computed and ignored. Each tile's top and bottom output rows go to
        // row0 / row1 at 2 * tile, then out row by row.
        int tiles = th * tw;
        float[] row0 = ROWS.get(0, 2 * (tiles + L));
        float[] row1 = ROWS.get(1, 2 * (tiles + L));
        int stride = outC * ld;
        int at = m * ld + t0;
        for (int tx = 0; tx < tiles; tx += L) {
            int a = at + tx;
            FloatVector m00 = FloatVector.fromArray(S, mm, a);
            FloatVector m01 = FloatVector.fromArray(S, mm, a + stride);
            FloatVector m02 = FloatVector.fromArray(S, mm, a + 2 * stride);
            FloatVector m03 = FloatVector.fromArray(S, mm, a + 3 * stride);
            FloatVector m10 = FloatVector.fromArray(S, mm, a + 4 * stride);
            FloatVector m11 = FloatVector.fromArray(S, mm, a + 5 * stride);
            FloatVector m12 = FloatVector.fromArray(S, mm, a + 6 * stride);
            FloatVector m13 = FloatVector.fromArray(S, mm, a + 7 * stride);
            FloatVector m20 = FloatVector.fromArray(S, mm, a + 8 * stride);
            FloatVector m21 = FloatVector.fromArray(S, mm, a + 9 * stride);
            FloatVector m22 = FloatVector.fromArray(S, mm, a + 10 * stride);
            FloatVector m23 = FloatVector.fromArray(S, mm, a + 11 * stride);
            FloatVector s00 = m00.add(m10).add(m20);
            FloatVector s01 = m01.add(m11).add(m21);
            FloatVector s02 = m02.add(m12).add(m22);
            FloatVector s03 = m03.add(m13).add(m23);
            FloatVector s10 = m10.sub(m20).sub(FloatVector.fromArray(S, mm, a + 12 * stride));
            FloatVector s11 = m11.sub(m21).sub(FloatVector.fromArray(S, mm, a + 13 * stride));
            FloatVector s12 = m12.sub(m22).sub(FloatVector.fromArray(S, mm, a + 14 * stride));
            FloatVector s13 = m13.sub(m23).sub(FloatVector.fromArray(S, mm, a + 15 * stride));
            // each tile's left and right pixels, zipped into output order
            FloatVector left0 = s00.add(s01).add(s02);
            FloatVector right0 = s01.sub(s02).sub(s03);
            FloatVector left1 = s10.add(s11).add(s12);
            FloatVector right1 = s11.sub(s12).sub(s13);
            left0.rearrange(SPREAD_LOW).blend(right0.rearrange(SPREAD_LOW), ODD_LANES).intoArray(row0, 2 * tx);
            left0.rearrange(SPREAD_HIGH).blend(right0.rearrange(SPREAD_HIGH), ODD_LANES).intoArray(row0, 2 * tx + L);
            left1.rearrange(SPREAD_LOW).blend(right1.rearrange(SPREAD_LOW), ODD_LANES).intoArray(row1, 2 * tx);
            left1.rearrange(SPREAD_HIGH).blend(right1.rearrange(SPREAD_HIGH), ODD_LANES).intoArray(row1, 2 * tx + L);
        }
        for (int ty = 0; ty < th; ty++) {
            storeRow(row0, 2 * ty * tw, y, plane + 2 * ty * ow, ow, plane + oh * ow, bias, res,
                    resOff + (2 * ty * ow) * resStep, resStep, lo, hi);
            if (2 * ty + 1 < oh) {
                storeRow(row1, 2 * ty * tw, y, plane + (2 * ty + 1) * ow, ow, plane + oh * ow, bias, res,
                        resOff + ((2 * ty + 1) * ow) * resStep, resStep, lo, hi);
            }
        }
    }
}
