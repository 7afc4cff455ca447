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
        int kk = channels * p.kH() * p.kW();
        planeOff = new int[kk];
        rowShift = new int[kk];
        colShift = new int[kk];
        for (int c = 0, k = 0; c < channels; c++) {
            for (int kh = 0; kh < p.kH(); kh++) {
                for (int kw = 0; kw < p.kW(); kw++, k++) {
                    planeOff[k] = c * p.h() * p.w();
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
        int splitStride = imageStride == 0 ? 0 : channels * p.h() * p.w();
        return (k0, kc, j0, nc, dst, dOff, panelStride) -> pack(x, xOff, imageStride, split, k0, kc, j0, nc, dst, dOff,
                panelStride, splitStride);
    }

    /**
     * Row by row: columns 0, 2, 4, ... then 1, 3, 5, ...; the same layout as x otherwise
     * ([image][channel][row]). Rows no tap reads (every other one for a 1x1 stride-2
     * convolution) are skipped; the rows of a batch are split over the threads.
     */
    private float[] splitColumns(float[] x, int xOff, int imageStride, int images, int threads) {
        int h = p.h();
        int w = p.w();
        int evens = (w + 1) / 2;
        int plane = channels * h * w;
        float[] split = SPLIT.get(0, images * plane);
        int rows = images * channels * h;
        Parallel.forRange(threads, rows, 256, (r0, r1) -> {
            for (int rr = r0; rr < r1; rr++) {
                if (!rowRead[rr % h]) {
                    continue;
                }
                int n = rr / (channels * h);
                int r = rr - n * channels * h;
                int src = xOff + n * imageStride + r * w;
                int dst = n * plane + r * w;
                Deinterleave.split(x, src, w / 2, split, dst, split, dst + evens);
                if ((w & 1) != 0) {
                    split[dst + evens - 1] = x[src + w - 1];
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
                from = splitImg + planeOff[k] + iy * w + (odd ? evens : 0);
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
