package io.ghostflow.runtime.ops.nn;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.linalg.FloatIO;
import io.ghostflow.runtime.ops.linalg.QuantMatMul;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/**
 * ConvInteger and QLinearConv. Zero points are subtracted first (so padding contributes zero,
 * as when padding with the zero point), then the float convolution runs: 8-bit products and
 * their sums stay exact in float up to 2^24, which covers every kernel size in practice.
 */
final class QuantConv {
    private QuantConv() {
    }

    private static float[] centered(Tensor t, Tensor zp, int channels, String what) {
        float[] v = t.asFloats().clone();
        if (zp == null) {
            return v;
        }
        int per = channels == 0 ? 0 : v.length / channels;
        if (zp.size() != 1 && zp.size() != channels) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, what + " zero point has " + zp.size() + " values");
        }
        for (int i = 0; i < v.length; i++) {
            v[i] -= (float) zp.getDouble(zp.size() == 1 ? 0 : i / per);
        }
        return v;
    }

    private static float[] conv(Window win, int group, Tensor x, Tensor xzp, Tensor w, Tensor wzp, int threads, int[][] outShape) {
        int[] xs = x.shape();
        int[] ws = w.shape();
        Conv.check(xs, ws, group, "quantized Conv");
        Window.Geometry g = win.forward(java.util.Arrays.copyOfRange(xs, 2, xs.length), java.util.Arrays.copyOfRange(ws, 2, ws.length), "Conv");
        outShape[0] = Conv.outShape(xs[0], ws[0], g);
        return ConvKernel.forward(centered(x, xzp, 1, "x"), xs[0], xs[1], centered(w, wzp, ws[0], "w"), ws[0], null, group, g, threads);
    }

    static OpKernel integer(Node node, OpConfig cfg) {
        Window win = new Window(node, false);
        int group = (int) node.getInt("group", 1);
        return (ctx, in) -> {
            int[][] shape = new int[1][];
            float[] y = conv(win, group, FloatIO.require(in[0], "ConvInteger x"), FloatIO.optional(in, 2),
                    FloatIO.require(in[1], "ConvInteger w"), FloatIO.optional(in, 3), ctx.threads(), shape);
            int[] out = new int[y.length];
            for (int i = 0; i < y.length; i++) {
                out[i] = Math.round(y[i]);
            }
            return new Value[] {Tensor.ofInts(out, shape[0])};
        };
    }

    static OpKernel qlinear(Node node, OpConfig cfg) {
        Window win = new Window(node, false);
        int group = (int) node.getInt("group", 1);
        return (ctx, in) -> {
            Tensor w = FloatIO.require(in[3], "QLinearConv w");
            int[][] shape = new int[1][];
            float[] acc = conv(win, group, FloatIO.require(in[0], "QLinearConv x"), FloatIO.require(in[2], "x_zero_point"),
                    w, FloatIO.require(in[5], "w_zero_point"), ctx.threads(), shape);
            double xs = FloatIO.require(in[1], "x_scale").getDouble(0);
            Tensor wsT = FloatIO.require(in[4], "w_scale");
            double ys = FloatIO.require(in[6], "y_scale").getDouble(0);
            Tensor yzp = FloatIO.require(in[7], "y_zero_point");
            Tensor bias = FloatIO.optional(in, 8);
            int m = shape[0][1];
            int spatial = acc.length / Math.max(1, shape[0][0] * m);
            double zp = yzp.getDouble(0);
            DType dt = yzp.dtype();
            Tensor y = Tensor.zeros(dt, shape[0]);
            for (int i = 0; i < acc.length; i++) {
                int ch = (i / spatial) % m;
                double a = acc[i] + (bias == null ? 0 : bias.getDouble(ch));
                double scale = xs * wsT.getDouble(wsT.size() == 1 ? 0 : ch) / ys;
                y.setDouble(i, QuantMatMul.saturate(dt, Math.rint(a * scale) + zp));
            }
            return new Value[] {y};
        };
    }
}
