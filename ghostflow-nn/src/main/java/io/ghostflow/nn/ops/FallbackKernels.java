package io.ghostflow.nn.ops;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.core.Parallel;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpFactory;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * Plain float32 kernels for the operators the modules export, installed into the registry
 * ONLY for operators that nothing else registered yet. They keep training and the
 * export-reload round trip working while the runtime's operator families are being built;
 * once the runtime registers an operator, its kernel wins and the fallback is never installed.
 * They support exactly the attribute subset the exporter writes and refuse anything else.
 */
final class FallbackKernels {
    private FallbackKernels() {
    }

    static void installMissing(OpRegistry r) {
        synchronized (r) {
            put(r, "Gemm", 13, FallbackKernels::gemm);
            put(r, "Conv", 11, FallbackKernels::conv);
            put(r, "BatchNormalization", 15, FallbackKernels::batchNorm);
            put(r, "Relu", 14, unary(x -> x > 0 ? x : 0));
            put(r, "LeakyRelu", 16, (n, c) -> {
                double a = n.getFloat("alpha", 0.01f);
                return unary(x -> x >= 0 ? x : a * x).create(n, c);
            });
            put(r, "Sigmoid", 13, unary(x -> 1 / (1 + Math.exp(-x))));
            put(r, "Tanh", 13, unary(Math::tanh));
            put(r, "Gelu", 20, (n, c) -> {
                if (!n.getString("approximate", "none").equals("none")) {
                    throw unsupported(n, "approximate=" + n.getString("approximate", ""));
                }
                return unary(x -> 0.5 * x * (1 + io.ghostflow.runtime.ops.math.Unary.erf(x / Math.sqrt(2)))).create(n, c);
            });
            put(r, "Softmax", 13, FallbackKernels::softmax);
            put(r, "LayerNormalization", 17, FallbackKernels::layerNorm);
            put(r, "MaxPool", 12, (n, c) -> pool(n, true));
            put(r, "AveragePool", 11, (n, c) -> pool(n, false));
            put(r, "Flatten", 13, FallbackKernels::flatten);
            put(r, "Gather", 13, FallbackKernels::gather);
        }
    }

    private static void put(OpRegistry r, String op, int since, OpFactory f) {
        if (!r.supports("", op)) {
            r.register(op, since, f);
        }
    }

    private static GhostFlowException unsupported(Node n, String what) {
        return new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, n.label() + ": " + what + " is not supported by the fallback kernel");
    }

    private static Tensor in(Value[] in, int i) {
        Tensor t = (Tensor) in[i];
        if (t.dtype() != DType.FLOAT) {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "fallback kernels take FLOAT tensors, got " + t.dtype());
        }
        return t;
    }

    private static OpFactory unary(DoubleUnaryOperator f) {
        return (n, c) -> (ctx, in) -> {
            Tensor x = in(in, 0);
            float[] a = x.floats();
            float[] y = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                y[i] = (float) f.applyAsDouble(a[i]);
            }
            return new Value[] {Tensor.of(y, x.shape())};
        };
    }

    // ---------------------------------------------------------------- Gemm

    private static OpKernel gemm(Node n, io.ghostflow.runtime.ops.OpConfig cfg) {
        boolean ta = n.getInt("transA", 0) != 0;
        boolean tb = n.getInt("transB", 0) != 0;
        float alpha = n.getFloat("alpha", 1f);
        float beta = n.getFloat("beta", 1f);
        return (ctx, in) -> {
            Tensor a = in(in, 0);
            Tensor b = in(in, 1);
            int m = ta ? a.dim(1) : a.dim(0);
            int k = ta ? a.dim(0) : a.dim(1);
            int k2 = tb ? b.dim(1) : b.dim(0);
            int nn = tb ? b.dim(0) : b.dim(1);
            if (k != k2) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, n.label() + ": inner dimensions " + k + " and " + k2 + " differ");
            }
            float[] c = new float[m * nn];
            if (in.length > 2 && in[2] != null && beta != 0f) {
                Tensor bias = in(in, 2);
                float[] bv = bias.floats();
                int[] bs = bias.shape();
                int rows = bs.length == 2 ? bs[0] : 1;
                int cols = bs.length == 0 ? 1 : bs[bs.length - 1];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < nn; j++) {
                        c[i * nn + j] = beta * bv[(rows == 1 ? 0 : i) * cols + (cols == 1 ? 0 : j)];
                    }
                }
            }
            matmul(a.floats(), ta, b.floats(), tb, c, m, nn, k, alpha, ctx.threads());
            return new Value[] {Tensor.of(c, m, nn)};
        };
    }

    /** c[m,n] += alpha * op(a)[m,k] * op(b)[k,n], rows split across threads. */
    static void matmul(float[] a, boolean ta, float[] b, boolean tb, float[] c, int m, int n, int k, float alpha, int threads) {
        float[] bt = b;
        if (tb) {
            // transposing B once keeps the inner loop streaming over contiguous rows
            bt = new float[k * n];
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < k; p++) {
                    bt[p * n + j] = b[j * k + p];
                }
            }
        }
        float[] bb = bt;
        long work = (long) m * n * k;
        Parallel.forRange(threads, m, work > 1 << 16 ? 1 : m, (s, e) -> {
            for (int i = s; i < e; i++) {
                int ci = i * n;
                for (int p = 0; p < k; p++) {
                    float av = alpha * (ta ? a[p * m + i] : a[i * k + p]);
                    if (av == 0f) {
                        continue;
                    }
                    int bp = p * n;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += av * bb[bp + j];
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------- Conv

    private static int[] ints(Node n, String attr, int[] dflt) {
        long[] v = n.getInts(attr, null);
        if (v == null) {
            return dflt;
        }
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) v[i];
        }
        return out;
    }

    private static void check2d(Node n) {
        if (!n.getString("auto_pad", "NOTSET").equals("NOTSET")) {
            throw unsupported(n, "auto_pad");
        }
        int[] d = ints(n, "dilations", new int[] {1, 1});
        if (d.length != 2 || d[0] != 1 || d[1] != 1) {
            throw unsupported(n, "dilations " + Arrays.toString(d));
        }
    }

    private static OpKernel conv(Node n, io.ghostflow.runtime.ops.OpConfig cfg) {
        check2d(n);
        if (n.getInt("group", 1) != 1) {
            throw unsupported(n, "group != 1");
        }
        int[] st = ints(n, "strides", new int[] {1, 1});
        int[] pads = ints(n, "pads", new int[] {0, 0, 0, 0});
        return (ctx, in) -> {
            Tensor x = in(in, 0);
            Tensor w = in(in, 1);
            if (x.rank() != 4 || w.rank() != 4) {
                throw unsupported(n, "rank " + x.rank() + " input");
            }
            int nb = x.dim(0);
            int c = x.dim(1);
            int h = x.dim(2);
            int wd = x.dim(3);
            int m = w.dim(0);
            int kh = w.dim(2);
            int kw = w.dim(3);
            if (w.dim(1) != c) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, n.label() + ": input has " + c + " channels, weight expects " + w.dim(1));
            }
            int oh = Im2col.outSize(h, kh, st[0], pads[0], pads[2]);
            int ow = Im2col.outSize(wd, kw, st[1], pads[1], pads[3]);
            float[] xs = x.floats();
            float[] ws = w.floats();
            float[] bias = in.length > 2 && in[2] != null ? in(in, 2).floats() : null;
            float[] y = new float[nb * m * oh * ow];
            int ckk = c * kh * kw;
            int plane = oh * ow;
            Parallel.forRange(ctx.threads(), nb, 1, (s, e) -> {
                float[] col = new float[ckk * plane];
                float[] out = new float[m * plane];
                for (int b = s; b < e; b++) {
                    Im2col.unfold(xs, b * c * h * wd, c, h, wd, kh, kw, st[0], st[1], pads[0], pads[1], oh, ow, col);
                    Arrays.fill(out, 0f);
                    matmul(ws, false, col, false, out, m, plane, ckk, 1f, 1);
                    for (int oc = 0; oc < m; oc++) {
                        float bv = bias == null ? 0f : bias[oc];
                        int dst = (b * m + oc) * plane;
                        for (int i = 0; i < plane; i++) {
                            y[dst + i] = out[oc * plane + i] + bv;
                        }
                    }
                }
            });
            return new Value[] {Tensor.of(y, nb, m, oh, ow)};
        };
    }

    // ---------------------------------------------------------------- pooling

    private static OpKernel pool(Node n, boolean max) {
        check2d(n);
        if (n.getInt("ceil_mode", 0) != 0) {
            throw unsupported(n, "ceil_mode");
        }
        boolean countPad = n.getInt("count_include_pad", 0) != 0;
        int[] k = ints(n, "kernel_shape", null);
        if (k == null || k.length != 2) {
            throw unsupported(n, "kernel_shape other than 2-D");
        }
        int[] st = ints(n, "strides", new int[] {1, 1});
        int[] pads = ints(n, "pads", new int[] {0, 0, 0, 0});
        return (ctx, in) -> {
            Tensor x = in(in, 0);
            int nc = x.dim(0) * x.dim(1);
            int h = x.dim(2);
            int w = x.dim(3);
            int oh = Im2col.outSize(h, k[0], st[0], pads[0], pads[2]);
            int ow = Im2col.outSize(w, k[1], st[1], pads[1], pads[3]);
            float[] xs = x.floats();
            float[] y = new float[nc * oh * ow];
            for (int p = 0; p < nc; p++) {
                for (int oi = 0; oi < oh; oi++) {
                    for (int oj = 0; oj < ow; oj++) {
                        float acc = max ? Float.NEGATIVE_INFINITY : 0f;
                        int count = 0;
                        for (int ki = 0; ki < k[0]; ki++) {
                            int ii = oi * st[0] - pads[0] + ki;
                            for (int kj = 0; kj < k[1]; kj++) {
                                int jj = oj * st[1] - pads[1] + kj;
                                if (ii < 0 || ii >= h || jj < 0 || jj >= w) {
                                    continue;
                                }
                                float v = xs[(p * h + ii) * w + jj];
                                acc = max ? Math.max(acc, v) : acc + v;
                                count++;
                            }
                        }
                        y[(p * oh + oi) * ow + oj] = max ? acc : acc / (countPad ? k[0] * k[1] : count);
                    }
                }
            }
            return new Value[] {Tensor.of(y, x.dim(0), x.dim(1), oh, ow)};
        };
    }

    // ---------------------------------------------------------------- normalisation

    private static OpKernel batchNorm(Node n, io.ghostflow.runtime.ops.OpConfig cfg) {
        if (n.getInt("training_mode", 0) != 0) {
            throw unsupported(n, "training_mode=1");
        }
        float eps = n.getFloat("epsilon", 1e-5f);
        return (ctx, in) -> {
            Tensor x = in(in, 0);
            float[] xs = x.floats();
            float[] scale = in(in, 1).floats();
            float[] bias = in(in, 2).floats();
            float[] mean = in(in, 3).floats();
            float[] var = in(in, 4).floats();
            int nb = x.dim(0);
            int c = x.dim(1);
            int inner = x.size() / Math.max(1, nb * c);
            float[] y = new float[xs.length];
            for (int b = 0; b < nb; b++) {
                for (int ch = 0; ch < c; ch++) {
                    float s = (float) (scale[ch] / Math.sqrt(var[ch] + eps));
                    float t = bias[ch] - mean[ch] * s;
                    int off = (b * c + ch) * inner;
                    for (int i = 0; i < inner; i++) {
                        y[off + i] = xs[off + i] * s + t;
                    }
                }
            }
            return new Value[] {Tensor.of(y, x.shape())};
        };
    }

    private static OpKernel layerNorm(Node n, io.ghostflow.runtime.ops.OpConfig cfg) {
        float eps = n.getFloat("epsilon", 1e-5f);
        long axisAttr = n.getInt("axis", -1);
        return (ctx, in) -> {
            Tensor x = in(in, 0);
            int axis = (int) (axisAttr < 0 ? axisAttr + x.rank() : axisAttr);
            int d = 1;
            for (int i = axis; i < x.rank(); i++) {
                d *= x.dim(i);
            }
            float[] xs = x.floats();
            float[] g = in(in, 1).floats();
            float[] b = in.length > 2 && in[2] != null ? in(in, 2).floats() : null;
            float[] y = new float[xs.length];
            for (int r = 0; r < xs.length / d; r++) {
                int off = r * d;
                double mean = 0;
                for (int i = 0; i < d; i++) {
                    mean += xs[off + i];
                }
                mean /= d;
                double var = 0;
                for (int i = 0; i < d; i++) {
                    double t = xs[off + i] - mean;
                    var += t * t;
                }
                double inv = 1 / Math.sqrt(var / d + eps);
                for (int i = 0; i < d; i++) {
                    y[off + i] = (float) ((xs[off + i] - mean) * inv * g[i] + (b == null ? 0 : b[i]));
                }
            }
            return new Value[] {Tensor.of(y, x.shape())};
        };
    }

    private static OpKernel softmax(Node n, io.ghostflow.runtime.ops.OpConfig cfg) {
        long axisAttr = n.getInt("axis", -1);
        return (ctx, in) -> {
            Tensor x = in(in, 0);
            int axis = (int) (axisAttr < 0 ? axisAttr + x.rank() : axisAttr);
            if (axis != x.rank() - 1) {
                throw unsupported(n, "axis other than the last");
            }
            int d = x.dim(-1);
            float[] xs = x.floats();
            float[] y = new float[xs.length];
            for (int r = 0; r < xs.length / d; r++) {
                int off = r * d;
                float max = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < d; i++) {
                    max = Math.max(max, xs[off + i]);
                }
                double sum = 0;
                for (int i = 0; i < d; i++) {
                    double e = Math.exp(xs[off + i] - max);
                    y[off + i] = (float) e;
                    sum += e;
                }
                for (int i = 0; i < d; i++) {
                    y[off + i] = (float) (y[off + i] / sum);
                }
            }
            return new Value[] {Tensor.of(y, x.shape())};
        };
    }

    // ---------------------------------------------------------------- shape and lookup

    private static OpKernel flatten(Node n, io.ghostflow.runtime.ops.OpConfig cfg) {
        long axisAttr = n.getInt("axis", 1);
        return (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            int axis = (int) (axisAttr < 0 ? axisAttr + x.rank() : axisAttr);
            int outer = 1;
            for (int i = 0; i < axis; i++) {
                outer *= x.dim(i);
            }
            return new Value[] {x.reshape(outer, x.size() / Math.max(1, outer))};
        };
    }

    private static OpKernel gather(Node n, io.ghostflow.runtime.ops.OpConfig cfg) {
        if (n.getInt("axis", 0) != 0) {
            throw unsupported(n, "axis != 0");
        }
        return (ctx, in) -> {
            Tensor data = in(in, 0);
            Tensor idx = (Tensor) in[1];
            long[] ids = idx.asLongs();
            int rows = data.dim(0);
            int width = data.size() / rows;
            float[] d = data.floats();
            float[] y = new float[ids.length * width];
            for (int i = 0; i < ids.length; i++) {
                long id = ids[i] < 0 ? ids[i] + rows : ids[i];
                if (id < 0 || id >= rows) {
                    throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, n.label() + ": index " + ids[i] + " out of range [0, " + rows + ")");
                }
                System.arraycopy(d, (int) id * width, y, i * width, width);
            }
            int[] shape = new int[idx.rank() + data.rank() - 1];
            int[] is = idx.shape();
            int[] ds = data.shape();
            System.arraycopy(is, 0, shape, 0, is.length);
            System.arraycopy(ds, 1, shape, is.length, ds.length - 1);
            return new Value[] {Tensor.of(y, shape)};
        };
    }
}
