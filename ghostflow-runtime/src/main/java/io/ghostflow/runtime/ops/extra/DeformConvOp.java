package io.ghostflow.runtime.ops.extra;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;

/**
 * DeformConv (opsets 19, 22), 2-D: a grouped convolution whose every kernel tap samples the
 * input at its regular position plus a learned (dy, dx) offset, bilinearly with zeros outside
 * the image, scaled by an optional mask. offset is (N, offset_group * kH * kW * 2, oH, oW)
 * with (dy, dx) innermost per tap; mask is (N, offset_group * kH * kW, oH, oW). Input
 * channels are split evenly among offset groups.
 */
final class DeformConvOp {
    private DeformConvOp() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        long[] dilAttr = node.getInts("dilations", null);
        long[] padAttr = node.getInts("pads", null);
        long[] strideAttr = node.getInts("strides", null);
        long[] kernelAttr = node.getInts("kernel_shape", null);
        int group = (int) node.getInt("group", 1);
        int offsetGroup = (int) node.getInt("offset_group", 1);
        return (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            Tensor w = (Tensor) in[1];
            Tensor off = (Tensor) in[2];
            Tensor bias = in.length > 3 ? (Tensor) in[3] : null;
            Tensor mask = in.length > 4 ? (Tensor) in[4] : null;
            if (x.rank() != 4) {
                throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "DeformConv: only 2-D inputs (N, C, H, W) are implemented, got rank " + x.rank());
            }
            int n = x.dim(0);
            int ic = x.dim(1);
            int ih = x.dim(2);
            int iw = x.dim(3);
            int oc = w.dim(0);
            int icg = w.dim(1);
            int kh = kernelAttr != null ? (int) kernelAttr[0] : w.dim(2);
            int kw = kernelAttr != null ? (int) kernelAttr[1] : w.dim(3);
            int dh = dilAttr != null ? (int) dilAttr[0] : 1;
            int dw = dilAttr != null ? (int) dilAttr[1] : 1;
            int sh = strideAttr != null ? (int) strideAttr[0] : 1;
            int sw = strideAttr != null ? (int) strideAttr[1] : 1;
            int padTop = padAttr != null ? (int) padAttr[0] : 0;
            int padLeft = padAttr != null ? (int) padAttr[1] : 0;
            int oh = off.dim(2);
            int ow = off.dim(3);
            int taps = kh * kw;
            if (ic != icg * group || oc % group != 0 || ic % offsetGroup != 0
                    || off.dim(0) != n || off.dim(1) != offsetGroup * taps * 2
                    || (mask != null && (mask.dim(1) != offsetGroup * taps || mask.dim(2) != oh || mask.dim(3) != ow))) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "DeformConv: X " + Arrays.toString(x.shape()) + ", W "
                        + Arrays.toString(w.shape()) + ", offset " + Arrays.toString(off.shape())
                        + (mask == null ? "" : ", mask " + Arrays.toString(mask.shape()))
                        + " are inconsistent with group " + group + " and offset_group " + offsetGroup);
            }
            int ocg = oc / group;
            int icPerOffsetGroup = ic / offsetGroup;
            double[] xv = x.asDoubles();
            double[] wv = w.asDoubles();
            double[] ov = off.asDoubles();
            double[] mv = mask == null ? null : mask.asDoubles();
            double[] bv = bias == null ? null : bias.asDoubles();
            double[] out = new double[n * oc * oh * ow];
            // Sampled input columns for one output position: [ic][tap].
            double[] col = new double[ic * taps];
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        for (int c = 0; c < ic; c++) {
                            int og = c / icPerOffsetGroup;
                            int plane = (b * ic + c) * ih * iw;
                            for (int ki = 0; ki < kh; ki++) {
                                for (int kj = 0; kj < kw; kj++) {
                                    int tap = ki * kw + kj;
                                    int oBase = ((b * offsetGroup + og) * taps + tap) * 2;
                                    double y = -padTop + sh * i + ki * dh + ov[(oBase * oh + i) * ow + j];
                                    double xx = -padLeft + sw * j + kj * dw + ov[((oBase + 1) * oh + i) * ow + j];
                                    double v = bilinear(xv, plane, ih, iw, y, xx);
                                    if (mv != null) {
                                        v *= mv[(((b * offsetGroup + og) * taps + tap) * oh + i) * ow + j];
                                    }
                                    col[c * taps + tap] = v;
                                }
                            }
                        }
                        for (int o = 0; o < oc; o++) {
                            int g = o / ocg;
                            double s = bv == null ? 0 : bv[o];
                            for (int cg = 0; cg < icg; cg++) {
                                int c = g * icg + cg;
                                int wBase = (o * icg + cg) * taps;
                                for (int t = 0; t < taps; t++) {
                                    s += wv[wBase + t] * col[c * taps + t];
                                }
                            }
                            out[((b * oc + o) * oh + i) * ow + j] = s;
                        }
                    }
                }
            }
            return new Value[] {Doubles.toTensor(x.dtype(), out, n, oc, oh, ow)};
        };
    }

    /** Bilinear sample at pixel coordinates (y, x); neighbours outside the image count as 0. */
    private static double bilinear(double[] v, int plane, int h, int w, double y, double x) {
        if (Double.isNaN(y) || Double.isNaN(x) || y <= -1 || y >= h || x <= -1 || x >= w) {
            return 0;
        }
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double fy = y - y0;
        double fx = x - x0;
        return (1 - fy) * (1 - fx) * at(v, plane, h, w, y0, x0) + (1 - fy) * fx * at(v, plane, h, w, y0, x0 + 1)
                + fy * (1 - fx) * at(v, plane, h, w, y0 + 1, x0) + fy * fx * at(v, plane, h, w, y0 + 1, x0 + 1);
    }

    private static double at(double[] v, int plane, int h, int w, int y, int x) {
        return y < 0 || y >= h || x < 0 || x >= w ? 0 : v[plane + y * w + x];
    }
}
