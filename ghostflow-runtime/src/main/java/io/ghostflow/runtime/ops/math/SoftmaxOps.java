package io.ghostflow.runtime.ops.math;

import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/**
 * Softmax, LogSoftmax and Hardmax. Before opset 13 the input is coerced to 2-D at {@code axis}
 * (default 1) and the op runs over the flattened trailing block; from 13 it runs along the
 * single {@code axis} (default -1).
 */
public final class SoftmaxOps {
    private SoftmaxOps() {
    }

    enum Kind { SOFTMAX, LOG_SOFTMAX, HARDMAX }

    public static void register(OpRegistry r) {
        int[] v = {1, 11, 13};
        r.register("Softmax", v, (node, cfg) -> kernel(Kind.SOFTMAX, cfg.sinceVersion() >= 13, node.getInt("axis", cfg.sinceVersion() >= 13 ? -1 : 1)));
        r.register("LogSoftmax", v, (node, cfg) -> kernel(Kind.LOG_SOFTMAX, cfg.sinceVersion() >= 13, node.getInt("axis", cfg.sinceVersion() >= 13 ? -1 : 1)));
        r.register("Hardmax", v, (node, cfg) -> kernel(Kind.HARDMAX, cfg.sinceVersion() >= 13, node.getInt("axis", cfg.sinceVersion() >= 13 ? -1 : 1)));
    }

    static io.ghostflow.runtime.ops.OpKernel kernel(Kind kind, boolean singleAxis, long axisAttr) {
        return (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            int[] shape = x.shape();
            int rank = shape.length;
            int axis = rank == 0 ? 0 : Shapes.axis((int) axisAttr, rank, kind.name());
            int outer = 1;
            for (int i = 0; i < axis; i++) {
                outer *= shape[i];
            }
            int len;
            int inner = 1;
            if (singleAxis) {
                len = rank == 0 ? 1 : shape[axis];
                for (int i = axis + 1; i < rank; i++) {
                    inner *= shape[i];
                }
            } else {
                len = 1;
                for (int i = axis; i < rank; i++) {
                    len *= shape[i];
                }
            }
            if (x.dtype() == DType.FLOAT) {
                float[] a = x.floats();
                if (kind == Kind.SOFTMAX && inner == 1 && len > 0) {
                    // Rows contiguous (the last axis): the vector rows (exp polynomial), rows over the threads.
                    float[] out = ctx.floatBuffer(a.length);
                    int rowLen = len;
                    io.ghostflow.core.Parallel.forRange(ctx.threads(), outer, Math.max(1, 4096 / rowLen),
                            (r0, r1) -> io.ghostflow.kernels.VectorMath.softmaxRows(a, r0 * rowLen, out, r0 * rowLen, r1 - r0, rowLen));
                    return new Value[] {Tensor.of(out, shape)};
                }
                float[] out = new float[a.length];
                run(kind, a, out, outer, len, inner);
                return new Value[] {Tensor.of(out, shape)};
            }
            double[] a = x.asDoubles();
            double[] out = new double[a.length];
            runD(kind, a, out, outer, len, inner);
            return new Value[] {Broadcasting.fromDoubles(x.dtype(), out, shape)};
        };
    }

    static void run(Kind kind, float[] a, float[] out, int outer, int len, int inner) {
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * len * inner + in;
                float max = Float.NEGATIVE_INFINITY;
                int arg = 0;
                for (int j = 0; j < len; j++) {
                    float v = a[base + j * inner];
                    if (v > max) {
                        max = v;
                        arg = j;
                    }
                }
                if (kind == Kind.HARDMAX) {
                    out[base + arg * inner] = 1f;
                    continue;
                }
                double sum = 0;
                for (int j = 0; j < len; j++) {
                    float e = (float) Math.exp(a[base + j * inner] - max);
                    if (kind == Kind.SOFTMAX) {
                        out[base + j * inner] = e;
                    }
                    sum += e;
                }
                if (kind == Kind.SOFTMAX) {
                    float inv = (float) (1 / sum);
                    for (int j = 0; j < len; j++) {
                        out[base + j * inner] *= inv;
                    }
                } else {
                    float ls = (float) Math.log(sum);
                    for (int j = 0; j < len; j++) {
                        out[base + j * inner] = a[base + j * inner] - max - ls;
                    }
                }
            }
        }
    }

    static void runD(Kind kind, double[] a, double[] out, int outer, int len, int inner) {
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * len * inner + in;
                double max = Double.NEGATIVE_INFINITY;
                int arg = 0;
                for (int j = 0; j < len; j++) {
                    double v = a[base + j * inner];
                    if (v > max) {
                        max = v;
                        arg = j;
                    }
                }
                if (kind == Kind.HARDMAX) {
                    out[base + arg * inner] = 1;
                    continue;
                }
                double sum = 0;
                for (int j = 0; j < len; j++) {
                    sum += Math.exp(a[base + j * inner] - max);
                }
                for (int j = 0; j < len; j++) {
                    double v = a[base + j * inner] - max;
                    out[base + j * inner] = kind == Kind.SOFTMAX ? Math.exp(v) / sum : v - Math.log(sum);
                }
            }
        }
    }
}
