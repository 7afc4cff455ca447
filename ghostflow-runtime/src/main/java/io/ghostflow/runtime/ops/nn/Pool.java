package io.ghostflow.runtime.ops.nn;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.core.Parallel;
import io.ghostflow.kernels.VectorMath;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.linalg.FloatIO;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/**
 * MaxPool (with Indices), AveragePool and LpPool over any number of spatial dims. Each output
 * element walks its window through a precomputed list of kernel taps; taps falling into the
 * padding are skipped (max, average without count_include_pad) or counted as zeros.
 */
final class Pool {
    enum Kind { MAX, AVERAGE, LP }

    private Pool() {
    }

    static OpKernel create(Node node, OpConfig cfg, Kind kind) {
        String op = switch (kind) {
            case MAX -> "MaxPool";
            case AVERAGE -> "AveragePool";
            case LP -> "LpPool";
        };
        boolean ceilAllowed = kind != Kind.LP || cfg.sinceVersion() >= 18;
        Window win = new Window(node, ceilAllowed);
        if (win.kernel == null) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, node.label() + ": missing attribute 'kernel_shape'");
        }
        boolean includePad = node.getInt("count_include_pad", 0) != 0;
        int storageOrder = (int) node.getInt("storage_order", 0);
        // p is a FLOAT attribute in opset 1 and an INT later; getFloat reads both.
        float p = kind == Kind.LP ? node.getFloat("p", 2f) : 0f;
        boolean wantsIndices = node.outputs().size() > 1 && !node.output(1).isEmpty();
        return (ctx, in) -> {
            Tensor x = FloatIO.require(in[0], op + " input X");
            int[] xs = x.shape();
            if (xs.length < 3) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, op + " needs X of rank >= 3, got rank " + xs.length);
            }
            Window.Geometry g = win.forward(java.util.Arrays.copyOfRange(xs, 2, xs.length), null, op);
            int planes = xs[0] * xs[1];
            int inSz = g.inSize();
            int outSz = g.outSize();
            float[] xv = FloatIO.in(x, op + " X");
            if (g.rank() == 2 && (kind == Kind.MAX && !wantsIndices || kind == Kind.AVERAGE)) {
                float[] y = ctx.floatBuffer(planes * outSz);
                Pool2d.run(kind == Kind.MAX, includePad, xv, y, planes, g, ctx.threads());
                Tensor yt = FloatIO.out(y, x.dtype(), Conv.outShape(xs[0], xs[1], g));
                return new Value[] {yt};
            }
            float[] y = new float[planes * outSz];
            long[] idx = kind == Kind.MAX ? new long[planes * outSz] : null;
            int[][] taps = taps(g);
            Parallel.forRange(ctx.threads(), planes, 1, (p0, p1) -> {
                int nd = g.rank();
                int[] oc = new int[nd];
                int[] pos = new int[nd];
                for (int pl = p0; pl < p1; pl++) {
                    int xo = pl * inSz;
                    java.util.Arrays.fill(oc, 0);
                    for (int o = 0; o < outSz; o++) {
                        float best = Float.NEGATIVE_INFINITY;
                        int bestAt = -1;
                        double sum = 0;
                        int valid = 0;
                        int inPadded = 0;
                        for (int[] tap : taps) {
                            boolean ok = true;
                            boolean inside = true;
                            int flat = 0;
                            for (int d = 0; d < nd; d++) {
                                int q = oc[d] * g.s()[d] - g.padBegin()[d] + tap[d] * g.d()[d];
                                pos[d] = q;
                                if (q < 0 || q >= g.in()[d]) {
                                    ok = false;
                                    if (q < -g.padBegin()[d] || q >= g.in()[d] + g.padEnd()[d]) {
                                        inside = false;
                                    }
                                }
                                flat = flat * g.in()[d] + q;
                            }
                            if (inside) {
                                inPadded++;
                            }
                            if (!ok) {
                                continue;
                            }
                            float v = xv[xo + flat];
                            valid++;
                            switch (kind) {
                                case MAX -> {
                                    if (v > best || bestAt < 0 && Float.isNaN(v)) {
                                        best = v;
                                        bestAt = storageOrder == 0 ? flat : columnMajor(pos, g.in());
                                    }
                                }
                                case AVERAGE -> sum += v;
                                case LP -> sum += Math.pow(Math.abs(v), p);
                            }
                        }
                        int at = pl * outSz + o;
                        switch (kind) {
                            case MAX -> {
                                y[at] = best;
                                idx[at] = (long) pl * inSz + Math.max(bestAt, 0);
                            }
                            case AVERAGE -> y[at] = (float) (sum / (includePad ? inPadded : Math.max(valid, 1)));
                            case LP -> y[at] = (float) Math.pow(sum, 1.0 / p);
                        }
                        ConvKernel.increment(oc, g.out());
                    }
                }
            });
            int[] ys = Conv.outShape(xs[0], xs[1], g);
            Tensor yt = FloatIO.out(y, x.dtype(), ys);
            if (kind != Kind.MAX) {
                return new Value[] {yt};
            }
            return new Value[] {yt, Tensor.ofLongs(idx, ys)};
        };
    }

    private static int columnMajor(int[] pos, int[] dims) {
        int flat = 0;
        for (int d = dims.length - 1; d >= 0; d--) {
            flat = flat * dims[d] + pos[d];
        }
        return flat;
    }

    /** Kernel tap coordinates in row-major order. */
    static int[][] taps(Window.Geometry g) {
        int[][] t = new int[g.kernelSize()][];
        int[] c = new int[g.rank()];
        for (int i = 0; i < t.length; i++) {
            t[i] = c.clone();
            ConvKernel.increment(c, g.k());
        }
        return t;
    }

    /** Global pools: reduce every spatial position of each (n, c) plane to one value. */
    static OpKernel global(Kind kind, Node node) {
        float p = kind == Kind.LP ? node.getFloat("p", 2f) : 0f;
        boolean wantsIndices = node.outputs().size() > 1 && !node.output(1).isEmpty();
        return (ctx, in) -> {
            Tensor x = FloatIO.require(in[0], "global pool input X");
            int[] xs = x.shape();
            if (xs.length < 2) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "global pool needs X of rank >= 2");
            }
            int planes = xs[0] * xs[1];
            int sz = planes == 0 ? 0 : x.size() / planes;
            float[] xv = FloatIO.in(x, "global pool X");
            float[] y = ctx.floatBuffer(planes);
            Parallel.forRange(ctx.threads(), planes, Math.max(1, (1 << 14) / Math.max(1, sz)), (p0, p1) -> {
                for (int pl = p0; pl < p1; pl++) {
                    y[pl] = globalPlane(kind, p, xv, pl * sz, sz);
                }
            });
            int[] ys = xs.clone();
            for (int i = 2; i < ys.length; i++) {
                ys[i] = 1;
            }
            return new Value[] {FloatIO.out(y, x.dtype(), ys)};
        };
    }

    /** One plane of a global pool: vector sum or maximum (NaN if any element is NaN); Lp in double. */
    static float globalPlane(Kind kind, float p, float[] x, int off, int sz) {
        return switch (kind) {
            case MAX -> VectorMath.max(x, off, sz);
            case AVERAGE -> VectorMath.sum(x, off, sz) / sz;
            case LP -> {
                double acc = 0;
                for (int i = off; i < off + sz; i++) {
                    acc += Math.pow(Math.abs(x[i]), p);
                }
                yield (float) Math.pow(acc, 1.0 / p);
            }
        };
    }

    /** MaxUnpool: scatter X into a zero tensor at Indices; output size from output_shape input or the window arithmetic. */
    static OpKernel unpool(Node node) {
        Window win = new Window(node, false);
        return (ctx, in) -> {
            Tensor x = FloatIO.require(in[0], "MaxUnpool input X");
            Tensor ind = FloatIO.require(in[1], "MaxUnpool input I");
            Tensor os = FloatIO.optional(in, 2);
            int[] xs = x.shape();
            int nd = xs.length - 2;
            int[] natural = xs.clone();
            int[] k = Window.ints(win.kernel, nd, -1, "MaxUnpool", "kernel_shape");
            int[] s = Window.ints(win.strides, nd, 1, "MaxUnpool", "strides");
            for (int i = 0; i < nd; i++) {
                int pads = win.pads == null ? 0 : (int) (win.pads[i] + win.pads[i + nd]);
                natural[i + 2] = (xs[i + 2] - 1) * s[i] + k[i] - pads;
            }
            int[] ys = os == null ? natural : io.ghostflow.tensor.Shapes.toIntShape(os.asLongs(), "MaxUnpool output_shape");
            // Indices address the pooled-from tensor (the natural size); re-address them in the requested shape.
            int[] nat = java.util.Arrays.copyOfRange(natural, 2, natural.length);
            int[] outS = java.util.Arrays.copyOfRange(ys, 2, ys.length);
            int natPlane = Window.Geometry.prod(nat);
            int outPlane = Window.Geometry.prod(outS);
            Tensor y = Tensor.zeros(x.dtype(), ys);
            for (int i = 0; i < x.size(); i++) {
                long at = ind.getLong(i);
                long plane = at / natPlane;
                int within = (int) (at % natPlane);
                long flat = 0;
                boolean ok = at >= 0 && plane < (long) ys[0] * ys[1];
                for (int d = 0, rem = within, div = natPlane; d < nd && ok; d++) {
                    div /= nat[d];
                    int coord = rem / div;
                    rem %= div;
                    ok = coord < outS[d];
                    flat = flat * outS[d] + coord;
                }
                if (!ok) {
                    throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "MaxUnpool index " + at + " falls outside the output "
                            + io.ghostflow.tensor.Shapes.toString(ys));
                }
                y.setDouble(plane * outPlane + flat, x.getDouble(i));
            }
            return new Value[] {y};
        };
    }
}
