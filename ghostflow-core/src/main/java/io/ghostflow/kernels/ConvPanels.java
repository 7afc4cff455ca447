package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.L;
import static io.ghostflow.kernels.GemmBlocking.NR;
import static io.ghostflow.kernels.GemmBlocking.S;

import io.ghostflow.core.Parallel;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Implicit im2col: the GEMM operand {@code B[k, j]} of a convolution, where k = (c * kH + kh) * kW + kw
 * runs over one group's input channels and taps, and j = (image * OH + oy) * OW + ox over output
 * pixels; B[k, j] = x[image, c, oy*sH + kh*dH - padTop, ox*sW + kw*dW - padLeft], or 0 in the padding.
 * Panels are gathered straight from the image, one output-row segment at a time. The per-tap
 * tables are built once per geometry; {@link #over} binds them to one input without copying.
 */
final class ConvPanels {
    private final Conv2d.Params p;
    private final int oh;
    private final int ow;
    /** Per k: offset of the tap's channel plane, and the tap's row and column shift (dilation minus padding). */
    private final int[] planeOff;
    private final int[] rowShift;
    private final int[] colShift;
    private final int channels;
    /** Per input row: whether any output row's tap reads it. */
    private final boolean[] rowRead;
    private static final ScratchFloats SPLIT = new ScratchFloats(1);
    /** Per thread: a panel's runs (lane, image, output row, output column), at most one per lane. */
    private static final ThreadLocal<int[]> RUNS = ThreadLocal.withInitial(() -> new int[4 * NR]);
    /**
     * Floats before and after the split rows: a masked load of a run starts up to a panel before its
     * first value (and a masked load not wholly inside the array checks its lanes in the Java
     * fallback), and a full panel's copies read up to a panel past a run's last value.
     */
    private static final int SPLIT_MARGIN = NR + 2 * L;
    /**
     * Column stride 2: each split row is [zeros, even columns, zeros, odd columns, zeros], each part
     * {@code part} floats apart with {@code zeros} zeros ahead of it (at least the half-columns a tap
     * reaches into the padding, plus one), so that a run's copy reads the padding as zeros.
     */
    private final int zeros;
    private final int part;
    private final int splitRow;
    /** Per k: offset of the tap's channel in the split rows. */
    private final int[] splitPlaneOff;

    /** Tables for one group of {@code channels} input channels. */
    ConvPanels(Conv2d.Params p, int channels) {
        this.p = p;
        this.oh = p.outH();
        this.ow = p.outW();
        this.channels = channels;
        rowRead = new boolean[p.h()];
        for (int oy = 0; oy < oh; oy++) {
            for (int kh = 0; kh < p.kH(); kh++) {
                int iy = oy * p.strideH() + kh * p.dilationH() - p.padTop();
                if (iy >= 0 && iy < p.h()) {
                    rowRead[iy] = true;
                }
            }
        }
        zeros = Math.max(p.padLeft(), p.padRight()) / 2 + 2;
        part = (p.w() + 1) / 2 + 2 * zeros;
        splitRow = 2 * part;
        int kk = channels * p.kH() * p.kW();
        splitPlaneOff = new int[kk];
        planeOff = new int[kk];
        rowShift = new int[kk];
        colShift = new int[kk];
        for (int c = 0, k = 0; c < channels; c++) {
            for (int kh = 0; kh < p.kH(); kh++) {
                for (int kw = 0; kw < p.kW(); kw++, k++) {
                    planeOff[k] = c * p.h() * p.w();
                    splitPlaneOff[k] = c * p.h() * splitRow;
                    rowShift[k] = kh * p.dilationH() - p.padTop();
                    colShift[k] = kw * p.dilationW() - p.padLeft();
                }
            }
        }
    }

    /**
     * The operand for an input whose group's first channel of image 0 is x[xOff]; images are
     * {@code imageStride} apart (0: one image). With column stride 2, each input row is first
     * split into its even and odd columns (into the calling thread's scratch), so that every tap
     * reads contiguous values instead of every other one.
     */
    BPanelSource over(float[] x, int xOff, int imageStride, int threads) {
        if (p.strideW() != 2) {
            return (k0, kc, j0, nc, dst, dOff, panelStride) -> pack(x, xOff, imageStride, null, k0, kc, j0, nc, dst, dOff,
                    panelStride, 0);
        }
        int images = imageStride == 0 ? 1 : p.n();
        float[] split = splitColumns(x, xOff, imageStride, images, threads);
        int splitStride = imageStride == 0 ? 0 : channels * p.h() * splitRow;
        return (k0, kc, j0, nc, dst, dOff, panelStride) -> pack(x, xOff, imageStride, split, k0, kc, j0, nc, dst, dOff,
                panelStride, splitStride);
    }

    /**
     * Row by row: [zeros, columns 0, 2, 4, .., zeros, columns 1, 3, 5, .., zeros] ({@link #zeros},
     * {@link #part}); the same layout as x otherwise ([image][channel][row]), after
     * {@link #SPLIT_MARGIN} floats. Rows no tap reads (every other one for a 1x1 stride-2
     * convolution) are skipped; the rows of a batch are split over the threads.
     */
    private float[] splitColumns(float[] x, int xOff, int imageStride, int images, int threads) {
        int h = p.h();
        int w = p.w();
        int evens = (w + 1) / 2;
        int odds = w / 2;
        int plane = channels * h * splitRow;
        float[] split = SPLIT.get(0, images * plane + 2 * SPLIT_MARGIN);
        int rows = images * channels * h;
        Parallel.forRange(threads, rows, 256, (r0, r1) -> {
            for (int rr = r0; rr < r1; rr++) {
                if (!rowRead[rr % h]) {
                    continue;
                }
                int n = rr / (channels * h);
                int r = rr - n * channels * h;
                int src = xOff + n * imageStride + r * w;
                int row = SPLIT_MARGIN + n * plane + r * splitRow;
                int even = row + zeros;
                int odd = row + part + zeros;
                Arrays.fill(split, row, even, 0f);
                Arrays.fill(split, even + evens, odd, 0f);
                Arrays.fill(split, odd + odds, row + splitRow, 0f);
                Deinterleave.split(x, src, odds, split, even, split, odd);
                if ((w & 1) != 0) {
                    split[even + evens - 1] = x[src + w - 1];
                }
            }
        });
        return split;
    }

    private void pack(float[] x, int xOff, int imageStride, float[] split, int k0, int kc, int j0, int nc, float[] dst,
                      int dOff, int panelStride, int splitStride) {
        int ohw = oh * ow;
        for (int q = 0; q * NR < nc; q++) {
            int base = dOff + q * panelStride;
            int first = j0 + q * NR;
            int width = Math.min(NR, nc - q * NR);
            if (split != null && width == NR && kc > 1) {
                splitPanel(x, xOff, imageStride, split, splitStride, k0, kc, first, dst, base);
                continue;
            }
            if (width < NR) {
                Arrays.fill(dst, base, base + kc * NR, 0f);
            }
            // Split the panel's pixels into runs within one output row.
            for (int t = 0; t < width; ) {
                int j = first + t;
                int image = j / ohw;
                int pix = j - image * ohw;
                int oy = pix / ow;
                int ox = pix - oy * ow;
                int len = Math.min(width - t, ow - ox);
                if (p.strideW() == 1 || split != null) {
                    vectorSegment(x, xOff + image * imageStride, split, image * splitStride, k0, kc, oy, ox, len, dst,
                            base, t);
                } else {
                    segment(x, xOff + image * imageStride, k0, kc, oy, ox, len, dst, base + t);
                }
                t += len;
            }
        }
    }

    /**
     * A full panel (pixels first .. first + NR) over split rows, tap by tap: each run of the panel
     * (its pixels within one output row) is two plain vector copies from the zero-framed split row,
     * or two vectors of zeros for a row in the padding, stored from its first lane on. Lanes past
     * the run get the row's next values, which the panel's next run (or the next tap's first run)
     * overwrites, runs and taps going in order; the last tap's row, whose overflow would leave the
     * panel, takes the masked copies of {@link #vectorSegment}. No masks, blends or bounds per run
     * otherwise: the masked copies were about a third of resnet18's stride-2 3x3 convolutions
     * (28- and 14-pixel output rows: every panel holds two or three runs).
     */
    private void splitPanel(float[] x, int xOff, int imageStride, float[] split, int splitStride, int k0, int kc, int first,
                            float[] dst, int base) {
        int[] runs = RUNS.get();
        int ohw = oh * ow;
        int count = 0;
        for (int t = 0; t < NR; count++) {
            int j = first + t;
            int image = j / ohw;
            int pix = j - image * ohw;
            int oy = pix / ow;
            int ox = pix - oy * ow;
            runs[4 * count] = t;
            runs[4 * count + 1] = image;
            runs[4 * count + 2] = oy;
            runs[4 * count + 3] = ox;
            t += Math.min(NR - t, ow - ox);
        }
        int h = p.h();
        int sH = p.strideH();
        FloatVector zero = FloatVector.zero(S);
        for (int kr = 0; kr < kc - 1; kr++) {
            int k = k0 + kr;
            int out = base + kr * NR;
            // column 2 * ox + colShift is half-column ox + (colShift >> 1) of the even or odd part
            int tap = SPLIT_MARGIN + splitPlaneOff[k] + ((colShift[k] & 1) != 0 ? part : 0) + zeros + (colShift[k] >> 1);
            for (int r = 0; r < count; r++) {
                int o = out + runs[4 * r];
                int iy = runs[4 * r + 2] * sH + rowShift[k];
                if (iy < 0 || iy >= h) {
                    zero.intoArray(dst, o);
                    zero.intoArray(dst, o + L);
                    continue;
                }
                int src = tap + runs[4 * r + 1] * splitStride + iy * splitRow + runs[4 * r + 3];
                FloatVector.fromArray(S, split, src).intoArray(dst, o);
                FloatVector.fromArray(S, split, src + L).intoArray(dst, o + L);
            }
        }
        int last = base + (kc - 1) * NR;
        for (int r = 0; r < count; r++) {
            int t = runs[4 * r];
            int len = (r + 1 < count ? runs[4 * (r + 1)] : NR) - t;
            int image = runs[4 * r + 1];
            vectorSegment(x, xOff + image * imageStride, split, image * splitStride, k0 + kc - 1, 1, runs[4 * r + 2],
                    runs[4 * r + 3], len, dst, last, t);
        }
    }

    /**
     * Columns [ox, ox + len) of output row oy, for rows k0 .. k0 + kc, into lanes [t, t + len) of
     * the panel at dst[base] (rows NR apart); column stride 1, or 2 over split rows. A whole panel
     * inside the image is two vector copies. Anything else (a run shorter than a panel: an output
     * row's end, or every panel of a 28- or 14-pixel-wide output; a run over the padding) is two
     * masked loads, whose lanes outside the run or the image read nothing and give 0, merged into
     * the panel row's current lanes, which belong to the panel's other runs (written before or
     * after this one). This replaced copy loops per element there.
     */
    private void vectorSegment(float[] x, int img, float[] split, int splitImg, int k0, int kc, int oy, int ox, int len,
                                float[] dst, int base, int t) {
        int h = p.h();
        int w = p.w();
        int sW = p.strideW();
        int iy0 = oy * p.strideH();
        int ix0 = ox * sW;
        VectorMask<Float> runLo = lanes(t, t + len);
        VectorMask<Float> runHi = lanes(t - L, t - L + len);
        int evens = (w + 1) / 2;
        for (int kr = 0; kr < kc; kr++) {
            int k = k0 + kr;
            int out = base + kr * NR;
            int iy = iy0 + rowShift[k];
            if (iy < 0 || iy >= h) {
                FloatVector.fromArray(S, dst, out).blend(0f, runLo).intoArray(dst, out);
                FloatVector.fromArray(S, dst, out + L).blend(0f, runHi).intoArray(dst, out + L);
                continue;
            }
            int ix = ix0 + colShift[k];
            float[] src;
            int from;
            int start;
            int count;
            if (sW == 1) {
                src = x;
                from = img + planeOff[k] + iy * w;
                start = ix;
                count = w;
            } else {
                // column ix + 2i sits at half-index (ix >> 1) + i of the row's even or odd part
                src = split;
                boolean odd = (ix & 1) != 0;
                from = SPLIT_MARGIN + splitImg + splitPlaneOff[k] + iy * splitRow + (odd ? part : 0) + zeros;
                start = ix >> 1;
                count = odd ? w / 2 : evens;
            }
            // lane N holds element start + N - t of the row part, valid within [0, count)
            int at = from + start - t;
            if (len == NR && start >= 0 && start + NR <= count) {
                FloatVector.fromArray(S, src, at).intoArray(dst, out);
                FloatVector.fromArray(S, src, at + L).intoArray(dst, out + L);
                continue;
            }
            int first = t - start;
            FloatVector a = FloatVector.fromArray(S, src, at, runLo.and(lanes(first, first + count)));
            FloatVector b = FloatVector.fromArray(S, src, at + L, runHi.and(lanes(first - L, first - L + count)));
            FloatVector.fromArray(S, dst, out).blend(a, runLo).intoArray(dst, out);
            FloatVector.fromArray(S, dst, out + L).blend(b, runHi).intoArray(dst, out + L);
        }
    }

    /**
     * The mask of lanes from .. to - 1 (clipped to the vector). Built from bits rather than with
     * {@code S.indexInRange(offset, limit)}: for a negative offset JDK 25 computes that one through
     * the Java fallback (a boolean[] per call, about 80 bytes; 1.4 MB per resnet18 stride-2
     * convolution in the profile), while {@code fromLong} compiles to a mask move.
     */
    static VectorMask<Float> lanes(int from, int to) {
        int lo = Math.clamp(from, 0, L);
        int hi = Math.clamp(to, lo, L);
        long below = hi >= 64 ? -1L : (1L << hi) - 1;
        long fromLo = lo >= 64 ? 0L : -1L << lo;
        return VectorMask.fromLong(S, below & fromLo);
    }

    /**
     * Columns [ox, ox + len) of output row oy, for rows k0 .. k0 + kc, into dst[d + (k - k0) * NR + i]:
     * column strides above 2, element by element.
     */
    private void segment(float[] x, int img, int k0, int kc, int oy, int ox, int len, float[] dst, int d) {
        int sW = p.strideW();
        int h = p.h();
        int w = p.w();
        int iy0 = oy * p.strideH();
        int ix0 = ox * sW;
        for (int kr = 0; kr < kc; kr++) {
            int k = k0 + kr;
            int out = d + kr * NR;
            int iy = iy0 + rowShift[k];
            if (iy < 0 || iy >= h) {
                Arrays.fill(dst, out, out + len, 0f);
                continue;
            }
            int ix = ix0 + colShift[k];
            int src = img + planeOff[k] + iy * w + ix;
            for (int i = 0; i < len; i++) {
                int col = ix + i * sW;
                dst[out + i] = col >= 0 && col < w ? x[src + i * sW] : 0f;
            }
        }
    }
}
