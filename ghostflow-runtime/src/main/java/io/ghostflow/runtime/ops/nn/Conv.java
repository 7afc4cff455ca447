package io.ghostflow.runtime.ops.nn;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
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

    static OpKernel create(Node node, OpConfig cfg) {
        Window win = new Window(node, false);
        int group = (int) node.getInt("group", 1);
        if (group <= 0) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, node.label() + ": group must be positive");
        }
        Tensor cw = cfg.constant(node.input(1));
        float[] constW = cw != null ? cw.asFloats().clone() : null;
        Tensor cb = node.hasInput(2) ? cfg.constant(node.input(2)) : null;
        float[] constB = cb != null ? cb.asFloats().clone() : null;
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
            float[] y = ConvKernel.forward(FloatIO.in(x, "Conv X"), xs[0], xs[1], wv, ws[0], bv, group, g, ctx.threads());
            return new Value[] {FloatIO.out(y, x.dtype(), outShape(xs[0], ws[0], g))};
        };
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
