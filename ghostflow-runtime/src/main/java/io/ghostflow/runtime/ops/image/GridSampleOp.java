package io.ghostflow.runtime.ops.image;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;

/**
 * GridSample (opset 16: 2-D, modes bilinear/nearest/bicubic; opset 20: N-D, linear/nearest/cubic),
 * following the ONNX reference: separable taps per spatial dim, padding applied per tap.
 */
final class GridSampleOp {
    private GridSampleOp() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        String mode = node.getString("mode", cfg.sinceVersion() < 20 ? "bilinear" : "linear");
        int kind = switch (mode) {
            case "nearest" -> 0;
            case "bilinear", "linear" -> 1;
            case "bicubic", "cubic" -> 2;
            default -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "GridSample mode '" + mode + "'");
        };
        String padding = node.getString("padding_mode", "zeros");
        int pad = switch (padding) {
            case "zeros" -> 0;
            case "border" -> 1;
            case "reflection" -> 2;
            default -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "GridSample padding_mode '" + padding + "'");
        };
        boolean align = node.getInt("align_corners", 0) != 0;
        return (ctx, in) -> new Value[] {run((Tensor) in[0], (Tensor) in[1], kind, pad, align)};
    }

    static Tensor run(Tensor x, Tensor grid, int kind, int pad, boolean align) {
        int[] xs = x.shape();
        int nd = xs.length - 2;
        int n = xs[0], c = xs[1];
        int[] gs = grid.shape();
        int[] spatialOut = Arrays.copyOfRange(gs, 1, gs.length - 1);
        int outPts = Shapes.size(spatialOut);
        int[] dims = Arrays.copyOfRange(xs, 2, xs.length);
        int[] dstr = Shapes.strides(dims);
        int plane = Shapes.size(dims);
        double[] xd = x.asDoubles();
        double[] gd = grid.asDoubles();
        int[] outShape = new int[2 + spatialOut.length];
        outShape[0] = n;
        outShape[1] = c;
        System.arraycopy(spatialOut, 0, outShape, 2, spatialOut.length);
        double[] res = new double[Shapes.size(outShape)];
        int taps = kind == 0 ? 1 : kind == 1 ? 2 : 4;
        int[][] idx = new int[nd][taps];
        double[][] wt = new double[nd][taps];
        int combos = (int) Math.pow(taps, nd);
        for (int b = 0; b < n; b++) {
            for (int p = 0; p < outPts; p++) {
                int g = (b * outPts + p) * nd;
                for (int d = 0; d < nd; d++) {
                    int len = dims[d];
                    double v = gd[g + (nd - 1 - d)]; // grid holds (x, y, z): reversed dim order
                    double coord = align ? (v + 1) / 2 * (len - 1) : ((v + 1) * len - 1) / 2;
                    double lo = align ? 0 : -0.5;
                    double hi = align ? len - 1 : len - 0.5;
                    if (kind == 0) {
                        coord = Math.rint(coord);
                    }
                    if (coord < lo || coord > hi) {
                        if (pad == 1) {
                            coord = Math.max(0, Math.min(len - 1, coord));
                        } else if (pad == 2) {
                            coord = reflect(coord, lo, hi);
                        }
                    }
                    if (kind == 0) {
                        idx[d][0] = pixel((int) coord, len, pad, lo, hi);
                        wt[d][0] = 1;
                    } else if (kind == 1) {
                        double f = Math.floor(coord);
                        double r = coord - f;
                        idx[d][0] = pixel((int) f, len, pad, lo, hi);
                        idx[d][1] = pixel((int) f + 1, len, pad, lo, hi);
                        wt[d][0] = 1 - r;
                        wt[d][1] = r;
                    } else {
                        double f = Math.floor(coord);
                        double r = coord - f;
                        for (int k = 0; k < 4; k++) {
                            idx[d][k] = pixel((int) f - 1 + k, len, pad, lo, hi);
                        }
                        double a = -0.75;
                        wt[d][0] = ResizeOp.cubic(r + 1, a);
                        wt[d][1] = ResizeOp.cubic(r, a);
                        wt[d][2] = ResizeOp.cubic(1 - r, a);
                        wt[d][3] = ResizeOp.cubic(2 - r, a);
                    }
                }
                for (int ch = 0; ch < c; ch++) {
                    int base = (b * c + ch) * plane;
                    double acc = 0;
                    for (int m = 0; m < combos; m++) {
                        int rem = m;
                        double w = 1;
                        int off = 0;
                        boolean zero = false;
                        for (int d = nd - 1; d >= 0; d--) {
                            int k = rem % taps;
                            rem /= taps;
                            w *= wt[d][k];
                            if (idx[d][k] < 0) {
                                zero = true;
                            } else {
                                off += idx[d][k] * dstr[d];
                            }
                        }
                        if (!zero && w != 0) {
                            acc += w * xd[base + off];
                        }
                    }
                    res[(b * c + ch) * outPts + p] = acc;
                }
            }
        }
        Tensor out = Tensor.zeros(x.dtype(), outShape);
        for (int i = 0; i < res.length; i++) {
            out.setDouble(i, res[i]);
        }
        return out;
    }

    /** Index of an integer tap after padding; -1 means "reads zero". */
    private static int pixel(int i, int len, int pad, double lo, double hi) {
        if (i >= 0 && i < len) {
            return i;
        }
        return switch (pad) {
            case 0 -> -1;
            case 1 -> Math.max(0, Math.min(len - 1, i));
            default -> Math.max(0, Math.min(len - 1, (int) reflect(i, lo, hi)));
        };
    }

    private static double reflect(double x, double lo, double hi) {
        double rng = hi - lo;
        if (rng <= 0) {
            return lo;
        }
        if (x < lo) {
            double dx = lo - x;
            int n = (int) (dx / rng);
            double r = dx - n * rng;
            return n % 2 == 0 ? lo + r : hi - r;
        }
        if (x > hi) {
            double dx = x - hi;
            int n = (int) (dx / rng);
            double r = dx - n * rng;
            return n % 2 == 0 ? hi - r : lo + r;
        }
        return x;
    }
}
