package io.ghostflow.runtime.ops.nn;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.kernels.Conv2d;
import io.ghostflow.kernels.Epilogue;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.linalg.FloatIO;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/** Conv (opsets 1, 11, 22): N-D, groups, dilations, strides, pads/auto_pad, optional bias. */
final class Conv {
    private Conv() {
    }

    /** A 2-D stride or dilation attribute's value on one axis; 1 when absent or not 2-D (then unused). */
    private static int axis(long[] values, int i) {
        return values != null && values.length == 2 && values[i] > 0 && values[i] <= Integer.MAX_VALUE ? (int) values[i] : 1;
    }

    static OpKernel create(Node node, OpConfig cfg) {
        Window win = new Window(node, false);
        int group = (int) node.getInt("group", 1);
        if (group <= 0) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, node.label() + ": group must be positive");
        }
        Tensor cw = cfg.constant(node.input(1));
        float[] constW = cw != null ? cw.asFloats() : null;
        Tensor cb = node.hasInput(2) ? cfg.constant(node.input(2)) : null;
        float[] constB = cb != null ? cb.asFloats().clone() : null;
        // 2-D float convolutions with constant weights: pack once here, at session creation.
        int[] cws = cw == null ? null : cw.shape();
        // Strides and dilations are attributes, fixed per node; they choose the kernel (Winograd or not).
        Conv2d packed = cws != null && cws.length == 4 && cws[0] % group == 0
                ? Conv2d.prepare(constW, new Conv2d.Params(1, cws[1] * group, cws[2], cws[3], cws[0], cws[2], cws[3],
                        axis(win.strides, 0), axis(win.strides, 1), 0, 0, 0, 0, axis(win.dilations, 0),
                        axis(win.dilations, 1), group))
                : null;
        Epilogue constEpi = constB != null ? Epilogue.NONE.withRowBias(constB, 0) : Epilogue.NONE;
        Conv2d[] last = new Conv2d[1];
        return (ctx, in) -> {
            Tensor x = FloatIO.require(in[0], "Conv input X");
            Tensor w = FloatIO.require(in[1], "Conv input W");
            Tensor b = FloatIO.optional(in, 2);
            int[] xs = x.shape();
            int[] ws = w.shape();
            check(xs, ws, group, "Conv");
            int nd = xs.length - 2;
            Window.Geometry g = win.forward(java.util.Arrays.copyOfRange(xs, 2, xs.length),
                    java.util.Arrays.copyOfRange(ws, 2, ws.length), "Conv");
            if (win.kernel != null && !java.util.Arrays.equals(Window.ints(win.kernel, nd, 1, "Conv", "kernel_shape"), g.k())) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "Conv kernel_shape " + java.util.Arrays.toString(win.kernel)
                        + " disagrees with W " + Shapes.toString(ws));
            }
            // Pre-converted weights only when the run sees that same initializer (a feed may override it).
            float[] wv = constW != null && w == cw ? constW : FloatIO.in(w, "Conv W");
            float[] bv = b == null ? null : constB != null && b == cb ? constB : FloatIO.in(b, "Conv B");
            if (bv != null && bv.length != ws[0]) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "Conv B has " + bv.length + " values for " + ws[0] + " output channels");
            }
            if (packed != null && w == cw && nd == 2 && (b == null || b == cb) && bv != null == (constB != null)) {
                Conv2d.Params q = params(xs, ws, g, group);
                if (q != null) {
                    Conv2d conv = last[0];
                    if (conv == null || !conv.params().equals(q)) {
                        conv = packed.rebind(q);
                        last[0] = conv;
                    }
                    float[] y = ctx.floatBuffer(xs[0] * ws[0] * q.outH() * q.outW());
                    conv.run(FloatIO.in(x, "Conv X"), 0, y, 0, b == null ? Epilogue.NONE : constEpi, ctx.threads());
                    return new Value[] {FloatIO.out(y, x.dtype(), outShape(xs[0], ws[0], g))};
                }
            }
            float[] y = ConvKernel.forward(FloatIO.in(x, "Conv X"), xs[0], xs[1], wv, ws[0], bv, group, g, ctx.threads());
            return new Value[] {FloatIO.out(y, x.dtype(), outShape(xs[0], ws[0], g))};
        };
    }

    /** Kernel parameters for a 2-D convolution, or null when the kernel's output size would differ. */
    static Conv2d.Params params(int[] xs, int[] ws, Window.Geometry g, int group) {
        if (xs[2] != g.in()[0] || xs[3] != g.in()[1] || Math.min(Math.min(g.padBegin()[0], g.padBegin()[1]),
                Math.min(g.padEnd()[0], g.padEnd()[1])) < 0) {
            return null;
        }
        Conv2d.Params q = new Conv2d.Params(xs[0], xs[1], xs[2], xs[3], ws[0], g.k()[0], g.k()[1], g.s()[0], g.s()[1],
                g.padBegin()[0], g.padBegin()[1], g.padEnd()[0], g.padEnd()[1], g.d()[0], g.d()[1], group);
        return q.outH() == g.out()[0] && q.outW() == g.out()[1] ? q : null;
    }

    static void check(int[] xs, int[] ws, int group, String op) {
        if (xs.length < 3 || ws.length != xs.length) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, op + ": X " + Shapes.toString(xs) + " and W " + Shapes.toString(ws)
                    + " need the same rank >= 3");
        }
        if (xs[1] % group != 0 || ws[0] % group != 0 || ws[1] * group != xs[1]) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, op + ": X " + Shapes.toString(xs) + " and W " + Shapes.toString(ws)
                    + " do not fit group=" + group);
        }
    }

    static int[] outShape(int n, int m, Window.Geometry g) {
        int[] s = new int[g.rank() + 2];
        s[0] = n;
        s[1] = m;
        System.arraycopy(g.out(), 0, s, 2, g.rank());
        return s;
    }
}
