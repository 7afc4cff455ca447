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
 * Resize (opsets 10-19) and Upsample (7, 9), following the ONNX reference: each axis is
 * resampled separately (the interpolation is separable), with per-output-index neighbour
 * indices and weights computed once per axis.
 */
final class ResizeOp {
    private ResizeOp() {
    }

    record Params(String mode, String coord, String nearestMode, double cubicA, boolean excludeOutside,
                  double extrapolation, boolean antialias, long[] axes, String aspectPolicy) {
    }

    static OpKernel resize(Node node, OpConfig cfg) {
        int v = cfg.sinceVersion();
        Params p = v < 11
                ? new Params(node.getString("mode", "nearest"), "asymmetric", "floor", -0.75, false, 0, false, null, "stretch")
                : new Params(node.getString("mode", "nearest"), node.getString("coordinate_transformation_mode", "half_pixel"),
                        node.getString("nearest_mode", "round_prefer_floor"), node.getFloat("cubic_coeff_a", -0.75f),
                        node.getInt("exclude_outside", 0) != 0, node.getFloat("extrapolation_value", 0f),
                        node.getInt("antialias", 0) != 0, node.getInts("axes", null), node.getString("keep_aspect_ratio_policy", "stretch"));
        check(p);
        return (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            if (v < 11) {
                return new Value[] {run(x, ((Tensor) in[1]).asDoubles(), null, null, p)};
            }
            Tensor roi = in.length > 1 && in[1] != null && ((Tensor) in[1]).size() > 0 ? (Tensor) in[1] : null;
            Tensor scales = in.length > 2 && in[2] != null && ((Tensor) in[2]).size() > 0 ? (Tensor) in[2] : null;
            Tensor sizes = in.length > 3 && in[3] != null && ((Tensor) in[3]).size() > 0 ? (Tensor) in[3] : null;
            if ((scales == null) == (sizes == null)) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "Resize: exactly one of scales and sizes must be given");
            }
            return new Value[] {run(x, scales == null ? null : scales.asDoubles(), sizes == null ? null : sizes.asLongs(),
                    roi == null ? null : roi.asDoubles(), p)};
        };
    }

    static OpKernel upsample(Node node, OpConfig cfg) {
        Params p = new Params(node.getString("mode", "nearest"), "asymmetric", "floor", -0.75, false, 0, false, null, "stretch");
        check(p);
        float[] attrScales = cfg.sinceVersion() < 9 ? node.getFloats("scales", null) : null;
        return (ctx, in) -> {
            double[] s;
            if (attrScales != null) {
                s = new double[attrScales.length];
                for (int i = 0; i < s.length; i++) {
                    s[i] = attrScales[i];
                }
            } else {
                s = ((Tensor) in[1]).asDoubles();
            }
            return new Value[] {run((Tensor) in[0], s, null, null, p)};
        };
    }

    private static void check(Params p) {
        if (!p.mode().equals("nearest") && !p.mode().equals("linear") && !p.mode().equals("cubic") && !p.mode().equals("bilinear")) {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "Resize mode '" + p.mode() + "'");
        }
    }

    static Tensor run(Tensor x, double[] scalesIn, long[] sizesIn, double[] roiIn, Params p) {
        int rank = x.rank();
        int[] s = x.shape();
        int[] axes = new int[p.axes() == null ? rank : p.axes().length];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = p.axes() == null ? i : Shapes.axis((int) p.axes()[i], rank, "Resize");
        }
        double[] scale = new double[rank];
        Arrays.fill(scale, 1);
        int[] out = s.clone();
        double[] roiStart = new double[rank];
        double[] roiEnd = new double[rank];
        Arrays.fill(roiEnd, 1);
        if (roiIn != null) {
            int n = roiIn.length / 2;
            for (int i = 0; i < n && i < axes.length; i++) {
                roiStart[axes[i]] = roiIn[i];
                roiEnd[axes[i]] = roiIn[n + i];
            }
        }
        if (scalesIn != null) {
            if (scalesIn.length != axes.length) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "Resize: " + scalesIn.length + " scales for " + axes.length + " axes");
            }
            for (int i = 0; i < axes.length; i++) {
                scale[axes[i]] = scalesIn[i];
                out[axes[i]] = (int) (scalesIn[i] * s[axes[i]]);
            }
        } else {
            if (sizesIn.length != axes.length) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "Resize: " + sizesIn.length + " sizes for " + axes.length + " axes");
            }
            if (p.aspectPolicy().equals("stretch")) {
                for (int i = 0; i < axes.length; i++) {
                    out[axes[i]] = (int) sizesIn[i];
                    scale[axes[i]] = (double) sizesIn[i] / s[axes[i]];
                }
            } else {
                boolean notLarger = p.aspectPolicy().equals("not_larger");
                double sc = notLarger ? Double.MAX_VALUE : 0;
                for (int i = 0; i < axes.length; i++) {
                    double r = (double) sizesIn[i] / s[axes[i]];
                    sc = notLarger ? Math.min(sc, r) : Math.max(sc, r);
                }
                for (int a : axes) {
                    scale[a] = sc;
                    out[a] = (int) Math.rint(sc * s[a]);
                }
            }
        }
        if (x.dtype() == io.ghostflow.tensor.DType.FLOAT && NearestResize.applies(p)) {
            return Tensor.of(NearestResize.run(x.floats(), s, out, scale, p), out);
        }
        return generic(x, s, out, scale, roiStart, roiEnd, p);
    }

    /** Every mode and dtype: each axis resampled in double (see {@link #resizeAxis}). */
    static Tensor generic(Tensor x, int[] s, int[] out, double[] scale, double[] roiStart, double[] roiEnd, Params p) {
        int rank = s.length;
        double[] data = x.asDoubles();
        int[] cur = s.clone();
        for (int d = 0; d < rank; d++) {
            if (out[d] == cur[d] && scale[d] == 1 && !p.coord().equals("tf_crop_and_resize")) {
                continue;
            }
            data = resizeAxis(data, cur, d, out[d], scale[d], roiStart[d], roiEnd[d], p);
            cur[d] = out[d];
        }
        Tensor t = Tensor.zeros(x.dtype(), out);
        if (x.dtype() == io.ghostflow.tensor.DType.FLOAT) {
            float[] f = t.floats();
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) data[i];
            }
        } else {
            for (int i = 0; i < data.length; i++) {
                t.setDouble(i, data[i]);
            }
        }
        return t;
    }

    /** Resamples axis {@code d} of {@code data} (shape {@code shape}) to {@code outLen}. */
    static double[] resizeAxis(double[] data, int[] shape, int d, int outLen, double scale, double roiS, double roiE, Params p) {
        int inLen = shape[d];
        int outer = Shapes.size(Arrays.copyOfRange(shape, 0, d));
        int inner = Shapes.size(Arrays.copyOfRange(shape, d + 1, shape.length));
        int[][] idx = new int[outLen][];
        double[][] w = new double[outLen][];
        boolean[] extrap = new boolean[outLen];
        for (int j = 0; j < outLen; j++) {
            double xo = original(j, scale, outLen, inLen, roiS, roiE, p.coord());
            if (p.coord().equals("tf_crop_and_resize") && (xo < 0 || xo > inLen - 1)) {
                extrap[j] = true;
                continue;
            }
            double f = Math.floor(xo);
            double ratio = xo - f;
            if (ratio == 0) {
                ratio = 1;
                f -= 1;
            }
            double[] c = coeffs(ratio, scale, p);
            int n = c.length;
            int first = (int) f - (n / 2 - 1);
            int[] ix = new int[n];
            double sum = 0;
            for (int k = 0; k < n; k++) {
                int raw = first + k;
                if (p.excludeOutside() && (raw < 0 || raw >= inLen)) {
                    c[k] = 0;
                }
                sum += c[k];
                ix[k] = Math.max(0, Math.min(inLen - 1, raw));
            }
            if (p.excludeOutside() && sum != 0) {
                for (int k = 0; k < n; k++) {
                    c[k] /= sum;
                }
            }
            idx[j] = ix;
            w[j] = c;
        }
        double[] res = new double[outer * outLen * inner];
        for (int o = 0; o < outer; o++) {
            int ib = o * inLen * inner;
            int ob = o * outLen * inner;
            for (int j = 0; j < outLen; j++) {
                int dst = ob + j * inner;
                if (extrap[j]) {
                    Arrays.fill(res, dst, dst + inner, p.extrapolation());
                    continue;
                }
                int[] ix = idx[j];
                double[] c = w[j];
                for (int k = 0; k < ix.length; k++) {
                    double wk = c[k];
                    if (wk == 0) {
                        continue;
                    }
                    int src = ib + ix[k] * inner;
                    for (int i = 0; i < inner; i++) {
                        res[dst + i] += wk * data[src + i];
                    }
                }
            }
        }
        return res;
    }

    static double original(int x, double scale, int outLen, int inLen, double roiS, double roiE, String mode) {
        return switch (mode) {
            case "half_pixel" -> (x + 0.5) / scale - 0.5;
            case "half_pixel_symmetric" -> {
                double adjustment = outLen / (scale * inLen);
                double center = inLen / 2.0;
                double offset = center * (1 - adjustment);
                yield offset + (x + 0.5) / scale - 0.5;
            }
            case "pytorch_half_pixel" -> outLen > 1 ? (x + 0.5) / scale - 0.5 : 0;
            case "align_corners" -> scale * inLen == 1 ? 0 : x * (inLen - 1.0) / (scale * inLen - 1.0); // the reference uses the unrounded output width
            case "asymmetric" -> x / scale;
            case "tf_crop_and_resize" -> outLen > 1
                    ? roiS * (inLen - 1) + x * (roiE - roiS) * (inLen - 1) / (outLen - 1)
                    : 0.5 * (roiS + roiE) * (inLen - 1);
            default -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "Resize coordinate_transformation_mode '" + mode + "'");
        };
    }

    static double[] coeffs(double ratio, double scale, Params p) {
        switch (p.mode()) {
            case "nearest": {
                if (ratio == Math.rint(ratio)) {
                    return new double[] {0, 1};
                }
                return switch (p.nearestMode()) {
                    case "round_prefer_floor" -> new double[] {ratio <= 0.5 ? 1 : 0, ratio > 0.5 ? 1 : 0};
                    case "round_prefer_ceil" -> new double[] {ratio < 0.5 ? 1 : 0, ratio >= 0.5 ? 1 : 0};
                    case "floor" -> new double[] {1, 0};
                    case "ceil" -> new double[] {0, 1};
                    default -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "Resize nearest_mode '" + p.nearestMode() + "'");
                };
            }
            case "linear":
            case "bilinear": {
                if (p.antialias() && scale < 1) {
                    int start = (int) (Math.floor(-1 / scale) + 1);
                    int footprint = 2 - 2 * start;
                    double[] c = new double[footprint];
                    double sum = 0;
                    for (int k = 0; k < footprint; k++) {
                        double a = (start + k - ratio) * scale;
                        c[k] = Math.max(0, Math.min(1, 1 - Math.abs(a)));
                        sum += c[k];
                    }
                    for (int k = 0; k < footprint; k++) {
                        c[k] /= sum;
                    }
                    return c;
                }
                return new double[] {1 - ratio, ratio};
            }
            default: {
                double a = p.cubicA();
                if (p.antialias() && scale < 1) {
                    int start = (int) (Math.floor(-2 / scale) + 1);
                    int end = 2 - start;
                    double[] c = new double[end - start];
                    double sum = 0;
                    for (int i = start; i < end; i++) {
                        c[i - start] = cubic(scale * (i - ratio), a);
                        sum += c[i - start];
                    }
                    for (int k = 0; k < c.length; k++) {
                        c[k] /= sum;
                    }
                    return c;
                }
                return new double[] {cubic(ratio + 1, a), cubic(ratio, a), cubic(1 - ratio, a), cubic(2 - ratio, a)};
            }
        }
    }

    static double cubic(double x, double a) {
        x = Math.abs(x);
        if (x <= 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        }
        return 0;
    }
}
