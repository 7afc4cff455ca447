package io.ghostflow.runtime.ops.nn;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.linalg.FloatIO;
import io.ghostflow.runtime.ops.linalg.MatMulKernel;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/**
 * ConvTranspose (opsets 1, 11, 22): per image and group, col = W^T * X then col2im scatters
 * the columns into the output. Output size from output_shape, auto_pad or pads + output_padding.
 */
final class ConvTranspose {
    private ConvTranspose() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        Window win = new Window(node, false);
        int group = (int) node.getInt("group", 1);
        long[] outputShape = node.getInts("output_shape", null);
        long[] outputPadding = node.getInts("output_padding", null);
        return (ctx, in) -> {
            Tensor x = FloatIO.require(in[0], "ConvTranspose input X");
            Tensor w = FloatIO.require(in[1], "ConvTranspose input W");
            Tensor b = FloatIO.optional(in, 2);
            int[] xs = x.shape();
            int[] ws = w.shape();
            if (xs.length < 3 || ws.length != xs.length || xs[1] != ws[0] || xs[1] % group != 0) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "ConvTranspose: X " + Shapes.toString(xs) + " and W "
                        + Shapes.toString(ws) + " do not fit group=" + group);
            }
            int nd = xs.length - 2;
            int n = xs[0];
            int c = xs[1];
            int cg = c / group;
            int mg = ws[1];
            int m = mg * group;
            int[] inS = java.util.Arrays.copyOfRange(xs, 2, xs.length);
            int[] k = java.util.Arrays.copyOfRange(ws, 2, ws.length);
            int[] s = Window.ints(win.strides, nd, 1, "ConvTranspose", "strides");
            int[] d = Window.ints(win.dilations, nd, 1, "ConvTranspose", "dilations");
            int[] op = Window.ints(outputPadding, nd, 0, "ConvTranspose", "output_padding");
            int[] pb = new int[nd];
            int[] pe = new int[nd];
            int[] out = new int[nd];
            for (int i = 0; i < nd; i++) {
                int full = s[i] * (inS[i] - 1) + op[i] + (k[i] - 1) * d[i] + 1;
                if (outputShape != null || win.autoPad.startsWith("SAME")) {
                    out[i] = outputShape != null ? (int) outputShape[outputShape.length - nd + i] : inS[i] * s[i];
                    int total = full - out[i];
                    // Floor division: a negative total (output_shape larger than the natural size) grows the end.
                    int half = Math.floorDiv(total, 2);
                    if (win.autoPad.equals("SAME_UPPER")) {
                        pb[i] = half;
                        pe[i] = total - half;
                    } else {
                        pb[i] = total - half;
                        pe[i] = half;
                    }
                } else {
                    if (win.pads != null && !win.autoPad.equals("VALID")) {
                        pb[i] = (int) win.pads[i];
                        pe[i] = (int) win.pads[i + nd];
                    }
                    out[i] = full - pb[i] - pe[i];
                }
            }
            Window.Geometry g = new Window.Geometry(k, s, d, pb, pe, inS, out);
            int kk = g.kernelSize();
            int inSz = g.inSize();
            int outSz = g.outSize();
            float[] xv = FloatIO.in(x, "ConvTranspose X");
            float[] wv = FloatIO.in(w, "ConvTranspose W");
            float[] y = new float[n * m * outSz];
            float[] col = new float[mg * kk * inSz];
            for (int bi = 0; bi < n; bi++) {
                for (int gi = 0; gi < group; gi++) {
                    MatMulKernel.sgemm(mg * kk, inSz, cg, wv, gi * cg * mg * kk, mg * kk, true, xv, (bi * c + gi * cg) * inSz, inSz, false,
                            col, 0, inSz, false, ctx.threads());
                    col2im(col, mg, g, y, (bi * m + gi * mg) * outSz);
                }
            }
            if (b != null) {
                float[] bv = FloatIO.in(b, "ConvTranspose B");
                for (int bi = 0; bi < n; bi++) {
                    for (int o = 0; o < m; o++) {
                        int off = (bi * m + o) * outSz;
                        for (int i = 0; i < outSz; i++) {
                            y[off + i] += bv[o];
                        }
                    }
                }
            }
            return new Value[] {FloatIO.out(y, x.dtype(), Conv.outShape(n, m, g))};
        };
    }

    /** Adds col[(ch * K + tap) * inSz + input position] into the output position that tap reaches. */
    private static void col2im(float[] col, int channels, Window.Geometry g, float[] y, int yOff) {
        if (g.rank() == 2) {
            col2im2d(col, channels, g, y, yOff);
        } else {
            col2imNd(col, channels, g, y, yOff);
        }
    }

    /** {@link #col2im} for any rank, tap by tap with the output index computed per element. */
    static void col2imNd(float[] col, int channels, Window.Geometry g, float[] y, int yOff) {
        int nd = g.rank();
        int kk = g.kernelSize();
        int inSz = g.inSize();
        int outSz = g.outSize();
        int[] kc = new int[nd];
        int[] ic = new int[nd];
        for (int ch = 0; ch < channels; ch++) {
            int yc = yOff + ch * outSz;
            java.util.Arrays.fill(kc, 0);
            for (int t = 0; t < kk; t++) {
                int row = (ch * kk + t) * inSz;
                java.util.Arrays.fill(ic, 0);
                for (int i = 0; i < inSz; i++) {
                    int idx = 0;
                    boolean ok = true;
                    for (int dd = 0; dd < nd; dd++) {
                        int p = ic[dd] * g.s()[dd] - g.padBegin()[dd] + kc[dd] * g.d()[dd];
                        if (p < 0 || p >= g.out()[dd]) {
                            ok = false;
                            break;
                        }
                        idx = idx * g.out()[dd] + p;
                    }
                    if (ok) {
                        y[yc + idx] += col[row + i];
                    }
                    ConvKernel.increment(ic, g.in());
                }
                ConvKernel.increment(kc, g.k());
            }
        }
    }

    /**
     * {@link #col2im} for 2-D: per channel, tap and input row, the output row it reaches and the
     * input columns whose outputs fall inside it, then a strided add along the row; the same sums
     * in the same order as the N-d loop, without index arithmetic per element.
     */
    static void col2im2d(float[] col, int channels, Window.Geometry g, float[] y, int yOff) {
        int kh = g.k()[0];
        int kw = g.k()[1];
        int ih = g.in()[0];
        int iw = g.in()[1];
        int oh = g.out()[0];
        int ow = g.out()[1];
        int sw = g.s()[1];
        int inSz = ih * iw;
        for (int ch = 0; ch < channels; ch++) {
            int yc = yOff + ch * oh * ow;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int row = (ch * kh * kw + ky * kw + kx) * inSz;
                    int x0 = kx * g.d()[1] - g.padBegin()[1];
                    // input columns ix with 0 <= ix * sw + x0 < ow
                    int ixLo = x0 >= 0 ? 0 : (-x0 + sw - 1) / sw;
                    int ixHi = Math.min(iw, ow - x0 <= 0 ? 0 : (ow - 1 - x0) / sw + 1);
                    for (int iy = 0; iy < ih; iy++) {
                        int oy = iy * g.s()[0] - g.padBegin()[0] + ky * g.d()[0];
                        if (oy < 0 || oy >= oh) {
                            continue;
                        }
                        int src = row + iy * iw;
                        int dst = yc + oy * ow + x0;
                        for (int ix = ixLo; ix < ixHi; ix++) {
                            y[dst + ix * sw] += col[src + ix];
                        }
                    }
                }
            }
        }
    }
}
