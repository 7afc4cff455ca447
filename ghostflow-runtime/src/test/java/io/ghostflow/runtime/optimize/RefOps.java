package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.ops.basic.BasicOps;
import io.ghostflow.runtime.ops.fused.FusedOps;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Plain, obviously-correct reference kernels (float math in double precision) for the standard
 * ops the optimizer's patterns involve, so pass tests can compare the unfused graph with the
 * fused one independently of the op families other work streams are still writing.
 */
public final class RefOps {
    private RefOps() {
    }

    public static OpRegistry registry() {
        OpRegistry r = new OpRegistry();
        BasicOps.register(r);
        FusedOps.register(r);
        unary(r, "Relu", x -> Math.max(x, 0));
        unary(r, "Sigmoid", x -> 1 / (1 + Math.exp(-x)));
        unary(r, "Tanh", Math::tanh);
        unary(r, "Sqrt", Math::sqrt);
        unary(r, "Erf", RefOps::erf);
        unary(r, "HardSwish", x -> x * Math.max(0, Math.min(1, x / 6 + 0.5)));
        r.register("LeakyRelu", 1, (n, c) -> {
            double a = n.getFloat("alpha", 0.01f);
            return map(x -> x >= 0 ? x : a * x);
        });
        r.register("HardSigmoid", 1, (n, c) -> {
            double a = n.getFloat("alpha", 0.2f), b = n.getFloat("beta", 0.5f);
            return map(x -> Math.max(0, Math.min(1, a * x + b)));
        });
        r.register("Clip", 1, (n, c) -> (ctx, in) -> {
            double lo = in.length > 1 && in[1] != null ? ((Tensor) in[1]).getDouble(0) : n.getFloat("min", Float.NEGATIVE_INFINITY);
            double hi = in.length > 2 && in[2] != null ? ((Tensor) in[2]).getDouble(0) : n.getFloat("max", Float.POSITIVE_INFINITY);
            return new Value[] {apply((Tensor) in[0], x -> Math.min(Math.max(x, lo), hi))};
        });
        r.register("IsNaN", 1, (n, c) -> (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            Tensor out = Tensor.zeros(DType.BOOL, x.shape());
            for (int i = 0; i < x.size(); i++) {
                out.setLong(i, Double.isNaN(x.getDouble(i)) ? 1 : 0);
            }
            return new Value[] {out};
        });
        binary(r, "Add", Double::sum);
        binary(r, "Sub", (a, b) -> a - b);
        binary(r, "Mul", (a, b) -> a * b);
        binary(r, "Div", (a, b) -> a / b);
        binary(r, "Pow", Math::pow);
        r.register("Where", 1, (n, c) -> (ctx, in) -> {
            Tensor cond = (Tensor) in[0], a = (Tensor) in[1], b = (Tensor) in[2];
            int[] shape = Shapes.broadcast(cond.shape(), a.shape(), b.shape());
            Tensor out = Tensor.zeros(a.dtype(), shape);
            for (int i = 0; i < out.size(); i++) {
                out.setDouble(i, at(cond, shape, i) != 0 ? at(a, shape, i) : at(b, shape, i));
            }
            return new Value[] {out};
        });
        r.register("Identity", 1, (n, c) -> (ctx, in) -> new Value[] {in[0]});
        r.register("Dropout", 1, (n, c) -> (ctx, in) -> new Value[] {in[0]});
        r.register("Cast", 1, (n, c) -> (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            Tensor out = Tensor.zeros(DType.fromOnnx((int) n.getInt("to", 1)), x.shape());
            for (int i = 0; i < x.size(); i++) {
                out.setDouble(i, x.getDouble(i));
            }
            return new Value[] {out};
        });
        r.register("MatMul", 1, (n, c) -> (ctx, in) -> new Value[] {matmul((Tensor) in[0], (Tensor) in[1])});
        r.register("Gemm", 1, (n, c) -> (ctx, in) -> {
            Tensor a = (Tensor) in[0], b = (Tensor) in[1];
            if (n.getInt("transA", 0) != 0) {
                a = transpose(a, new int[] {1, 0});
            }
            if (n.getInt("transB", 0) != 0) {
                b = transpose(b, new int[] {1, 0});
            }
            Tensor y = matmul(a, b);
            double alpha = n.getFloat("alpha", 1f), beta = n.getFloat("beta", 1f);
            Tensor cc = in.length > 2 ? (Tensor) in[2] : null;
            Tensor out = Tensor.zeros(DType.FLOAT, y.shape());
            for (int i = 0; i < y.size(); i++) {
                out.setDouble(i, alpha * y.getDouble(i) + (cc == null ? 0 : beta * at(cc, y.shape(), i)));
            }
            return new Value[] {out};
        });
        r.register("Transpose", 1, (n, c) -> (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            long[] p = n.getInts("perm", null);
            int[] perm = new int[x.rank()];
            for (int i = 0; i < perm.length; i++) {
                perm[i] = p == null ? perm.length - 1 - i : (int) p[i];
            }
            return new Value[] {transpose(x, perm)};
        });
        r.register("Conv", 1, (n, c) -> (ctx, in) -> new Value[] {conv(n, (Tensor) in[0], (Tensor) in[1], in.length > 2 ? (Tensor) in[2] : null)});
        r.register("BatchNormalization", 1, (n, c) -> (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            double eps = n.getFloat("epsilon", 1e-5f);
            int ch = x.dim(1), inner = x.size() / x.dim(0) / ch;
            Tensor out = Tensor.zeros(DType.FLOAT, x.shape());
            for (int i = 0; i < x.size(); i++) {
                int cc = i / inner % ch;
                double v = (x.getDouble(i) - ((Tensor) in[3]).getDouble(cc)) / Math.sqrt(((Tensor) in[4]).getDouble(cc) + eps);
                out.setDouble(i, v * ((Tensor) in[1]).getDouble(cc) + ((Tensor) in[2]).getDouble(cc));
            }
            return new Value[] {out};
        });
        r.register("ReduceMean", 1, (n, c) -> (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            long[] axes = n.getInts("axes", in.length > 1 && in[1] != null ? ((Tensor) in[1]).asLongs() : null);
            int ax = Shapes.axis((int) axes[0], x.rank(), "ReduceMean");
            int[] os = x.shape();
            os[ax] = 1;
            int len = x.dim(ax), inner = 1;
            for (int i = ax + 1; i < x.rank(); i++) {
                inner *= x.dim(i);
            }
            Tensor out = Tensor.zeros(DType.FLOAT, os);
            for (int o = 0; o < out.size(); o++) {
                int outer = o / inner, k = o % inner;
                double s = 0;
                for (int j = 0; j < len; j++) {
                    s += x.getDouble((long) (outer * len + j) * inner + k);
                }
                out.setDouble(o, s / len);
            }
            return new Value[] {out};
        });
        r.register("Softmax", 13, (n, c) -> (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            int len = x.dim(-1);
            Tensor out = Tensor.zeros(DType.FLOAT, x.shape());
            for (int row = 0; row < x.size() / len; row++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < len; j++) {
                    max = Math.max(max, x.getDouble(row * len + j));
                }
                for (int j = 0; j < len; j++) {
                    sum += Math.exp(x.getDouble(row * len + j) - max);
                }
                for (int j = 0; j < len; j++) {
                    out.setDouble(row * len + j, Math.exp(x.getDouble(row * len + j) - max) / sum);
                }
            }
            return new Value[] {out};
        });
        r.register("Shape", 1, (n, c) -> (ctx, in) -> {
            int[] s = ((Tensor) in[0]).shape();
            return new Value[] {Tensor.ofLongs(Shapes.toLongs(s), s.length)};
        });
        r.register("Gather", 1, (n, c) -> (ctx, in) -> {
            Tensor data = (Tensor) in[0], idx = (Tensor) in[1];
            if (data.rank() != 1) {
                throw new UnsupportedOperationException("reference Gather: 1-D data only");
            }
            long[] out = new long[idx.size()];
            for (int i = 0; i < out.length; i++) {
                long k = idx.getLong(i);
                out[i] = data.getLong(k < 0 ? k + data.size() : k);
            }
            return new Value[] {Tensor.ofLongs(out, idx.shape())};
        });
        r.register("Unsqueeze", 13, (n, c) -> (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            long[] axes = ((Tensor) in[1]).asLongs();
            int rank = x.rank() + axes.length;
            int[] shape = new int[rank];
            java.util.Set<Integer> ax = new java.util.HashSet<>();
            for (long a : axes) {
                ax.add((int) (a < 0 ? a + rank : a));
            }
            for (int i = 0, j = 0; i < rank; i++) {
                shape[i] = ax.contains(i) ? 1 : x.dim(j++);
            }
            return new Value[] {x.reshape(shape)};
        });
        r.register("Concat", 1, (n, c) -> (ctx, in) -> {
            int total = 0;
            for (Value v : in) {
                total += ((Tensor) v).size();
            }
            long[] out = new long[total];
            int k = 0;
            for (Value v : in) {
                for (long l : ((Tensor) v).asLongs()) {
                    out[k++] = l;
                }
            }
            return new Value[] {Tensor.ofLongs(out, total)};
        });
        r.register("Reshape", 5, (n, c) -> (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            long[] s = ((Tensor) in[1]).asLongs();
            int[] shape = new int[s.length];
            int known = 1, minus = -1;
            for (int i = 0; i < s.length; i++) {
                shape[i] = s[i] == 0 ? x.dim(i) : (int) s[i];
                if (shape[i] == -1) {
                    minus = i;
                } else {
                    known *= shape[i];
                }
            }
            if (minus >= 0) {
                shape[minus] = x.size() / known;
            }
            return new Value[] {x.reshape(shape)};
        });
        return r;
    }

    private static void unary(OpRegistry r, String op, DoubleUnaryOperator f) {
        r.register(op, 1, (n, c) -> map(f));
    }

    private static OpKernel map(DoubleUnaryOperator f) {
        return (ctx, in) -> new Value[] {apply((Tensor) in[0], f)};
    }

    private static Tensor apply(Tensor x, DoubleUnaryOperator f) {
        Tensor out = Tensor.zeros(x.dtype(), x.shape());
        for (int i = 0; i < x.size(); i++) {
            out.setDouble(i, f.applyAsDouble(x.getDouble(i)));
        }
        return out;
    }

    private static void binary(OpRegistry r, String op, DoubleBinaryOperator f) {
        r.register(op, 1, (n, c) -> (ctx, in) -> {
            Tensor a = (Tensor) in[0], b = (Tensor) in[1];
            int[] shape = Shapes.broadcast(a.shape(), b.shape());
            Tensor out = Tensor.zeros(a.dtype(), shape);
            for (int i = 0; i < out.size(); i++) {
                out.setDouble(i, f.applyAsDouble(at(a, shape, i), at(b, shape, i)));
            }
            return new Value[] {out};
        });
    }

    /** Element of {@code t} at flat index {@code i} of the broadcast shape. */
    static double at(Tensor t, int[] shape, int i) {
        int[] st = Shapes.broadcastStrides(t.shape(), shape);
        int off = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
            off += (i % shape[d]) * st[d];
            i /= shape[d];
        }
        return t.getDouble(off);
    }

    static Tensor transpose(Tensor x, int[] perm) {
        int[] s = x.shape();
        int[] os = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            os[i] = s[perm[i]];
        }
        int[] inStr = Shapes.strides(s);
        Tensor out = Tensor.zeros(x.dtype(), os);
        for (int i = 0; i < out.size(); i++) {
            int rem = i, off = 0;
            for (int d = os.length - 1; d >= 0; d--) {
                off += (rem % os[d]) * inStr[perm[d]];
                rem /= os[d];
            }
            out.setDouble(i, x.getDouble(off));
        }
        return out;
    }

    /** Batched matmul; leading dims of a and b broadcast. */
    static Tensor matmul(Tensor a, Tensor b) {
        int[] as = a.shape(), bs = b.shape();
        int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
        int[] lead = Shapes.broadcast(java.util.Arrays.copyOf(as, as.length - 2), java.util.Arrays.copyOf(bs, bs.length - 2));
        int batches = Shapes.size(lead);
        int[] os = Shapes.concat(lead, new int[] {m, n});
        Tensor out = Tensor.zeros(DType.FLOAT, os);
        int[] aLead = java.util.Arrays.copyOf(as, as.length - 2), bLead = java.util.Arrays.copyOf(bs, bs.length - 2);
        for (int bt = 0; bt < batches; bt++) {
            int ab = (int) offset(aLead, lead, bt), bb = (int) offset(bLead, lead, bt);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += a.getDouble((long) ab * m * k + i * k + p) * b.getDouble((long) bb * k * n + p * n + j);
                    }
                    out.setDouble((long) bt * m * n + i * n + j, s);
                }
            }
        }
        return out;
    }

    private static long offset(int[] from, int[] to, int flat) {
        if (to.length == 0) {
            return 0;
        }
        int[] st = Shapes.broadcastStrides(from, to);
        long off = 0;
        for (int d = to.length - 1; d >= 0; d--) {
            off += (long) (flat % to[d]) * st[d];
            flat /= to[d];
        }
        return off;
    }

    static Tensor conv(Node n, Tensor x, Tensor w, Tensor b) {
        long[] st = n.getInts("strides", new long[] {1, 1}), dl = n.getInts("dilations", new long[] {1, 1}),
                pd = n.getInts("pads", new long[] {0, 0, 0, 0});
        int g = (int) n.getInt("group", 1);
        int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), M = w.dim(0), cg = w.dim(1), kh = w.dim(2), kw = w.dim(3);
        int oh = (int) ((H + pd[0] + pd[2] - (dl[0] * (kh - 1) + 1)) / st[0] + 1);
        int ow = (int) ((W + pd[1] + pd[3] - (dl[1] * (kw - 1) + 1)) / st[1] + 1);
        Tensor out = Tensor.zeros(DType.FLOAT, N, M, oh, ow);
        int mg = M / g;
        for (int img = 0; img < N; img++) {
            for (int oc = 0; oc < M; oc++) {
                int grp = oc / mg;
                for (int y = 0; y < oh; y++) {
                    for (int xx = 0; xx < ow; xx++) {
                        double s = b == null ? 0 : b.getDouble(oc);
                        for (int ic = 0; ic < cg; ic++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    long iy = y * st[0] + ky * dl[0] - pd[0], ix = xx * st[1] + kx * dl[1] - pd[1];
                                    if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
                                        continue;
                                    }
                                    s += x.getDouble(((long) (img * C + grp * cg + ic) * H + iy) * W + ix)
                                            * w.getDouble(((long) (oc * cg + ic) * kh + ky) * kw + kx);
                                }
                            }
                        }
                        out.setDouble(((long) (img * M + oc) * oh + y) * ow + xx, s);
                    }
                }
            }
        }
        return out;
    }

    /** erf by its Taylor series / continued fraction, to about 1e-10; |x| > 4.5 rounds to +-1. */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax > 4.5) {
            return Math.signum(x);
        }
        double sum = 0, term = ax;
        for (int k = 0; k < 200; k++) {
            sum += term / (2 * k + 1);
            term *= -ax * ax / (k + 1);
            if (Math.abs(term) < 1e-17) {
                break;
            }
        }
        return Math.signum(x) * 2 / Math.sqrt(Math.PI) * sum;
    }
}
