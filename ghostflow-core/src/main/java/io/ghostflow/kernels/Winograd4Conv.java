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
 * 3x3 stride-1 convolution by Winograd's F(4x4, 3x3) (Lavin and Gray, 2015; interpolation points
 * 0, 1, -1, 2, -2, infinity): each 4x4 output tile of one channel pair costs 36 multiplies
 * instead of 144 (F(2x2, 3x3), {@link WinogradConv}, needs 64 for the same 16 outputs). Weights
 * are transformed once ({@code U = G g G^T}, 36 values per channel pair) into 36 packed GEMM
 * operands [outC, C]. Per run: every 6x6 input tile (stride 4) is transformed
 * ({@code V = B^T d B}), the 36 GEMMs {@code M_xy[outC, tiles] = U_xy * V_xy} run in the packed
 * GEMM, and each output tile is {@code A^T M A}. The transforms scale by up to 8 and 1/24, so the
 * results differ from direct convolution by somewhat more than F(2x2, 3x3)'s (still within the
 * tolerance of an fp32 dot product of the same terms).
 *
 * <p>Tiles are vectorized along a row of tiles: each padded input row is split into its columns
 * mod 4, so the six columns 4tx .. 4tx + 5 of tile tx are entries tx and tx + 1 of the four
 * phases, contiguous across tx. The tiles of a call's images sit side by side in the GEMMs and
 * each output column is one FMA chain in channel order whatever N is, so a batch computes exactly
 * what its images compute alone.
 */
final class Winograd4Conv extends WinogradKernel {
    /** Transformed values per 4x4 output tile (a 6x6 input tile). */
    private static final int POSITIONS = 36;
    /**
     * Below this many tiles per image F(2x2, 3x3) is used: the GEMMs get too narrow (a 14 x 14 plane
     * has 16 tiles here against 49 there; 256_14_256 ran 0.99-1.01x, 64_13_256 0.94-1.07x of
     * F(2x2), against 0.75-0.87x for planes of 27 x 27 and more, alternating in one JVM).
     */
    static final int MIN_TILES = 32;

    /** Per thread: a zero-padded input row, its even and odd columns, and its four phases (as one array). */
    private static final ScratchFloats ROW = new ScratchFloats(3);
    /** Per thread: intermediate rows of a transform, and an output row. */
    private static final ScratchFloats TMP = new ScratchFloats(2);

    private Winograd4Conv(int c, int outC, PackedA[] u) {
        super(c, outC, u, 4);
    }

    /** Whether the input geometry gives each image enough tiles (the attributes are {@link WinogradConv#suits}'). */
    static boolean wideEnough(Conv2d.Params p) {
        return ((p.outH() + 3) / 4) * ((p.outW() + 3) / 4) >= MIN_TILES;
    }

    /** Transforms weights [outC, C, 3, 3] starting at w[offset] straight into the 36 packed operands. */
    static Winograd4Conv prepare(float[] w, int offset, int outC, int c) {
        int panels = PackedA.panels(outC);
        float[][] u = new float[POSITIONS][panels * MR * c];
        Parallel.forRange(Parallel.availableThreads(), panels, Math.max(1, (1 << 15) / (MR * c)), (p0, p1) -> {
            float[] t = new float[24];
            for (int panel = p0; panel < p1; panel++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int r = 0; r < MR && panel * MR + r < outC; r++) {
                        transformPair(w, offset + ((panel * MR + r) * c + ch) * 9, t, u, (panel * c + ch) * MR + r);
                    }
                }
            }
        });
        PackedA[] packed = new PackedA[POSITIONS];
        for (int xy = 0; xy < POSITIONS; xy++) {
            packed[xy] = new PackedA(outC, c, u[xy], false);
        }
        return new Winograd4Conv(c, outC, packed);
    }

    /**
     * U = G g G^T for the 3x3 kernel at w[g], into u[xy][at]; t holds G g (6 x 3, row-major) and
     * then one row of the result.
     */
    private static void transformPair(float[] w, int g, float[] t, float[][] u, int at) {
        for (int col = 0; col < 3; col++) {
            applyG(w[g + col], w[g + 3 + col], w[g + 6 + col], t, col, 3);
        }
        for (int i = 0; i < 6; i++) {
            applyG(t[i * 3], t[i * 3 + 1], t[i * 3 + 2], t, 18, 1);
            for (int j = 0; j < 6; j++) {
                u[i * 6 + j][at] = t[18 + j];
            }
        }
    }

    /** G x into out[o + i * step], i < 6, for G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]. */
    private static void applyG(float x0, float x1, float x2, float[] out, int o, int step) {
        out[o] = x0 / 4f;
        out[o + step] = -(x0 + x1 + x2) / 6f;
        out[o + 2 * step] = -(x0 - x1 + x2) / 6f;
        out[o + 3 * step] = x0 / 24f + x1 / 12f + x2 / 6f;
        out[o + 4 * step] = x0 / 24f - x1 / 12f + x2 / 6f;
        out[o + 5 * step] = x2;
    }

    /**
     * V_xy[ch][t] for every tile of one channel of every image, tile rows in increasing order (a
     * row's last vector may write garbage lanes onto the next row's tiles, written afterwards).
     */
    @Override
    void inputTransform(Conv2d.Params p, float[] x, int xOff, int ch, int th, int tw, float[] v, int ld) {
        int q = tw + 1 + L + 1;
        int rows = 4 * th + 2;
        // the four phases of each padded row of the tile grid: phases[(r * 4 + ph) * q + i] = row r, column 4i + ph
        float[] phases = ROW.get(2, rows * 4 * q);
        float[] t = TMP.get(0, 36 * L);
        int stride = c * ld;
        for (int image = 0; image < p.n(); image++) {
            splitPlane(p, x, xOff + (image * p.c() + ch) * p.h() * p.w(), rows, q, (tw + L) / L * L, phases);
            int base = ch * ld + image * th * tw;
            for (int ty = 0; ty < th; ty++) {
                int r0 = 4 * ty;
                int out = base + ty * tw;
                for (int tx = 0; tx < tw; tx += L) {
                    // B^T d, column by column: column j of the tile is phase j % 4 at entry tx + j / 4.
                    for (int j = 0; j < 6; j++) {
                        int col = (j & 3) * q + tx + (j >> 2);
                        FloatVector d0 = FloatVector.fromArray(S, phases, (r0 * 4) * q + col);
                        FloatVector d1 = FloatVector.fromArray(S, phases, ((r0 + 1) * 4) * q + col);
                        FloatVector d2 = FloatVector.fromArray(S, phases, ((r0 + 2) * 4) * q + col);
                        FloatVector d3 = FloatVector.fromArray(S, phases, ((r0 + 3) * 4) * q + col);
                        FloatVector d4 = FloatVector.fromArray(S, phases, ((r0 + 4) * 4) * q + col);
                        FloatVector d5 = FloatVector.fromArray(S, phases, ((r0 + 5) * 4) * q + col);
                        FloatVector s12 = d1.add(d2);
                        FloatVector d12 = d1.sub(d2);
                        FloatVector s34 = d3.add(d4);
                        FloatVector d43 = d4.sub(d3);
                        FloatVector d42 = d4.sub(d2);
                        FloatVector d31 = d3.sub(d1);
                        d0.mul(4f).add(d4).sub(d2.mul(5f)).intoArray(t, (0 * 6 + j) * L);
                        s34.sub(s12.mul(4f)).intoArray(t, (1 * 6 + j) * L);
                        d43.add(d12.mul(4f)).intoArray(t, (2 * 6 + j) * L);
                        d42.add(d31.mul(2f)).intoArray(t, (3 * 6 + j) * L);
                        d42.sub(d31.mul(2f)).intoArray(t, (4 * 6 + j) * L);
                        d1.mul(4f).add(d5).sub(d3.mul(5f)).intoArray(t, (5 * 6 + j) * L);
                    }
                    // (B^T d) B, row by row, into V at position 6 * i + l
                    for (int i = 0; i < 6; i++) {
                        FloatVector e0 = FloatVector.fromArray(S, t, (i * 6) * L);
                        FloatVector e1 = FloatVector.fromArray(S, t, (i * 6 + 1) * L);
                        FloatVector e2 = FloatVector.fromArray(S, t, (i * 6 + 2) * L);
                        FloatVector e3 = FloatVector.fromArray(S, t, (i * 6 + 3) * L);
                        FloatVector e4 = FloatVector.fromArray(S, t, (i * 6 + 4) * L);
                        FloatVector e5 = FloatVector.fromArray(S, t, (i * 6 + 5) * L);
                        FloatVector s12 = e1.add(e2);
                        FloatVector d12 = e1.sub(e2);
                        FloatVector s34 = e3.add(e4);
                        FloatVector d43 = e4.sub(e3);
                        FloatVector d42 = e4.sub(e2);
                        FloatVector d31 = e3.sub(e1);
                        int o = out + tx + (i * 6) * stride;
                        e0.mul(4f).add(e4).sub(e2.mul(5f)).intoArray(v, o);
                        s34.sub(s12.mul(4f)).intoArray(v, o + stride);
                        d43.add(d12.mul(4f)).intoArray(v, o + 2 * stride);
                        d42.add(d31.mul(2f)).intoArray(v, o + 3 * stride);
                        d42.sub(d31.mul(2f)).intoArray(v, o + 4 * stride);
                        e1.mul(4f).add(e5).sub(e3.mul(5f)).intoArray(v, o + 5 * stride);
                    }
                }
            }
        }
    }

    /**
     * The rows of one channel's plane that the tile grid reads, zero-padded, each split into its
     * columns mod 4: phases[(r * 4 + ph) * q + i] = padded (r, 4i + ph), for i < used (at least the
     * entries that live tiles read, tx and tx + 1 for tx < tw, rounded up to whole vectors so that
     * the splits run no scalar tail). Entries from used to q are left as they are: only the garbage
     * lanes past a row's last tile read them. Splitting all q = tw + L + 2 entries did twice the work
     * on 56 x 56 planes and ran a scalar tail on 28 x 28 ones (resnet18 0.984, squeezenet1_1 0.994 of
     * the time with the rounded count, medians of 40 paired blocks in one JVM).
     */
    private static void splitPlane(Conv2d.Params p, float[] x, int plane, int rows, int q, int used, float[] phases) {
        int h = p.h();
        int w = p.w();
        float[] row = ROW.get(0, 4 * q);
        float[] half = ROW.get(1, 4 * q);
        for (int r = 0; r < rows; r++) {
            int iy = r - p.padTop();
            int dst = r * 4 * q;
            if (iy < 0 || iy >= h) {
                java.util.Arrays.fill(phases, dst, dst + 4 * q, 0f);
                continue;
            }
            java.util.Arrays.fill(row, 0, 4 * used, 0f);
            int left = p.padLeft();
            int n = Math.max(0, Math.min(w, 4 * used - left));
            System.arraycopy(x, plane + iy * w, row, left, n);
            // columns mod 2, then each half mod 2 again: evens -> phases 0 and 2, odds -> 1 and 3
            Deinterleave.split(row, 0, 2 * used, half, 0, half, 2 * used);
            Deinterleave.split(half, 0, used, phases, dst, phases, dst + 2 * q);
            Deinterleave.split(half, 2 * used, used, phases, dst + q, phases, dst + 3 * q);
        }
    }

    /**
     * Output channel m of one image: A^T M A per tile (A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0;
     * 0 1 1 4 4 0; 0 1 -1 8 -8 1]), written as the 4x4 pixels of the tile, clipped to OH x OW.
     * Whole vectors from the start of each tile row: lanes past its end are computed and ignored.
     */
    @Override
    void outputTransform(float[] mm, int ld, int t0, int m, int th, int tw, int oh, int ow, float[] y,
                                 int plane, float bias, float[] res, int resOff, int resStep, float lo, float hi) {
        float[] t = TMP.get(0, 36 * L);
        // The image's tiles run flat, row after row (M holds them so): vectors of L tiles may span
        // tile rows, so narrow planes fill the lanes (7 tiles per row on 27 x 27, 16 lanes). Row i of
        // every tile's four output rows goes to rows[i * width + 4 * tile], then out row by row.
        int tiles = th * tw;
        int width = 4 * (tiles + L);
        float[] rows = TMP.get(1, 4 * width);
        int stride = outC * ld;
        int at = m * ld + t0;
        for (int tx = 0; tx < tiles; tx += L) {
            int a = at + tx;
            // A^T M, column by column: rows i = 0..3 of column j into t[(i * 6 + j) * L]
            for (int j = 0; j < 6; j++) {
                FloatVector m0 = FloatVector.fromArray(S, mm, a + j * stride);
                FloatVector m1 = FloatVector.fromArray(S, mm, a + (6 + j) * stride);
                FloatVector m2 = FloatVector.fromArray(S, mm, a + (12 + j) * stride);
                FloatVector m3 = FloatVector.fromArray(S, mm, a + (18 + j) * stride);
                FloatVector m4 = FloatVector.fromArray(S, mm, a + (24 + j) * stride);
                FloatVector m5 = FloatVector.fromArray(S, mm, a + (30 + j) * stride);
                FloatVector s12 = m1.add(m2);
                FloatVector d12 = m1.sub(m2);
                FloatVector s34 = m3.add(m4);
                FloatVector d34 = m3.sub(m4);
                m0.add(s12).add(s34).intoArray(t, j * L);
                d12.add(d34.mul(2f)).intoArray(t, (6 + j) * L);
                s12.add(s34.mul(4f)).intoArray(t, (12 + j) * L);
                d12.add(d34.mul(8f)).add(m5).intoArray(t, (18 + j) * L);
            }
            // (A^T M) A, row by row: the tile's four pixels, zipped into output order
            for (int i = 0; i < 4; i++) {
                int ti = i * 6 * L;
                FloatVector s0 = FloatVector.fromArray(S, t, ti);
                FloatVector s1 = FloatVector.fromArray(S, t, ti + L);
                FloatVector s2 = FloatVector.fromArray(S, t, ti + 2 * L);
                FloatVector s3 = FloatVector.fromArray(S, t, ti + 3 * L);
                FloatVector s4 = FloatVector.fromArray(S, t, ti + 4 * L);
                FloatVector s5 = FloatVector.fromArray(S, t, ti + 5 * L);
                FloatVector s12 = s1.add(s2);
                FloatVector d12 = s1.sub(s2);
                FloatVector s34 = s3.add(s4);
                FloatVector d34 = s3.sub(s4);
                FloatVector p0 = s0.add(s12).add(s34);
                FloatVector p1 = d12.add(d34.mul(2f));
                FloatVector p2 = s12.add(s34.mul(4f));
                FloatVector p3 = d12.add(d34.mul(8f)).add(s5);
                // zip (p0, p2) and (p1, p3), then the two results: p0 p1 p2 p3 of each tile in turn
                FloatVector ac0 = p0.rearrange(SPREAD_LOW).blend(p2.rearrange(SPREAD_LOW), ODD_LANES);
                FloatVector ac1 = p0.rearrange(SPREAD_HIGH).blend(p2.rearrange(SPREAD_HIGH), ODD_LANES);
                FloatVector bd0 = p1.rearrange(SPREAD_LOW).blend(p3.rearrange(SPREAD_LOW), ODD_LANES);
                FloatVector bd1 = p1.rearrange(SPREAD_HIGH).blend(p3.rearrange(SPREAD_HIGH), ODD_LANES);
                int o = i * width + 4 * tx;
                ac0.rearrange(SPREAD_LOW).blend(bd0.rearrange(SPREAD_LOW), ODD_LANES).intoArray(rows, o);
                ac0.rearrange(SPREAD_HIGH).blend(bd0.rearrange(SPREAD_HIGH), ODD_LANES).intoArray(rows, o + L);
                ac1.rearrange(SPREAD_LOW).blend(bd1.rearrange(SPREAD_LOW), ODD_LANES).intoArray(rows, o + 2 * L);
                ac1.rearrange(SPREAD_HIGH).blend(bd1.rearrange(SPREAD_HIGH), ODD_LANES).intoArray(rows, o + 3 * L);
            }
        }
        for (int ty = 0; ty < th; ty++) {
            int rowsHere = Math.min(4, oh - 4 * ty);
            for (int i = 0; i < rowsHere; i++) {
                storeRow(rows, i * width + 4 * ty * tw, y, plane + (4 * ty + i) * ow, ow, plane + oh * ow, bias, res,
                        resOff + ((4 * ty + i) * ow) * resStep, resStep, lo, hi);
            }
        }
    }
}
