package io.ghostflow.runtime.ops.fused;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.core.Parallel;
import io.ghostflow.core.Parallel.RangeBody;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;

/**
 * The numeric work of the fused ops, in one place so that switching to the Vector API kernels
 * of io.ghostflow.kernels (pre-packed GEMM and convolution with fused epilogues) touches only
 * this class. Until then these are plain loops ordered for sequential memory access.
 */
public final class FusedKernels {
    private FusedKernels() {
    }

    /**
     * 2-D convolution, NCHW input, OIHW weights, then {@code + bias[oc]}, {@code + residual}
     * (same shape as the output, or broadcastable) and the activation, in one pass over the output.
     */
    static Tensor conv2d(Tensor x, Tensor w, Tensor bias, Tensor residual, ConvParams p, Activation act, int threads) {
        int[] xs = x.shape();
        int[] ws = w.shape();
        if (xs.length != 4 || ws.length != 4) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "fused Conv needs 4-D input and weights, got "
                    + Shapes.toString(xs) + " and " + Shapes.toString(ws));
        }
        int n = xs[0], c = xs[1], h = xs[2], wd = xs[3];
        int m = ws[0], cg = ws[1], kh = ws[2], kw = ws[3];
        int g = p.group();
        if (cg * g != c || m % g != 0) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "fused Conv: input has " + c + " channels, weights expect "
                    + cg + " x group " + g);
        }
        int[] pads = p.padsFor(h, wd, kh, kw);
        int sh = p.strides()[0], sw = p.strides()[1], dh = p.dilations()[0], dw = p.dilations()[1];
        int oh = (h + pads[0] + pads[2] - ((kh - 1) * dh + 1)) / sh + 1;
        int ow = (wd + pads[1] + pads[3] - ((kw - 1) * dw + 1)) / sw + 1;
        float[] xin = x.asFloats();
        float[] wt = w.asFloats();
        float[] b = bias == null ? null : bias.asFloats();
        float[] out = new float[n * m * oh * ow];
        int mg = m / g;
        int plane = oh * ow;
        int padT = pads[0], padL = pads[1];
        Parallel.forRange(threads, n * m, 1, (start, end) -> {
            for (int job = start; job < end; job++) {
                int img = job / m, oc = job % m, grp = oc / mg;
                int obase = job * plane;
                if (b != null) {
                    java.util.Arrays.fill(out, obase, obase + plane, b[oc]);
                }
                for (int ic = 0; ic < cg; ic++) {
                    int xbase = (img * c + grp * cg + ic) * h * wd;
                    int wbase = (oc * cg + ic) * kh * kw;
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            float wv = wt[wbase + ky * kw + kx];
                            if (wv == 0) {
                                continue;
                            }
                            int offX = kx * dw - padL;
                            // valid output columns: 0 <= ox*sw + offX < wd
                            int oxLo = offX >= 0 ? 0 : (-offX + sw - 1) / sw;
                            int oxHi = Math.min(ow, (wd - offX + sw - 1) / sw);
                            for (int oy = 0; oy < oh; oy++) {
                                int iy = oy * sh + ky * dh - padT;
                                if (iy < 0 || iy >= h) {
                                    continue;
                                }
                                int xrow = xbase + iy * wd + offX;
                                int orow = obase + oy * ow;
                                if (sw == 1) {
                                    for (int ox = oxLo; ox < oxHi; ox++) {
                                        out[orow + ox] += wv * xin[xrow + ox];
                                    }
                                } else {
                                    for (int ox = oxLo; ox < oxHi; ox++) {
                                        out[orow + ox] += wv * xin[xrow + ox * sw];
                                    }
                                }
                            }
                        }
                    }
                }
                if (residual == null) {
                    act.apply(out, obase, obase + plane);
                }
            }
        });
        Tensor result = Tensor.of(out, n, m, oh, ow);
        if (residual != null) {
            addInPlace(out, result.shape(), residual);
            act.apply(out, 0, out.length);
        }
        return result;
    }

    /**
     * In place on a fresh product {@code y}: {@code + bias} along the last axis, {@code + residual}
     * (broadcast to y), then the activation; one pass over y.
     */
    static Tensor epilogue(Tensor y, Tensor bias, Tensor residual, Activation act, int threads) {
        if (bias != null && residual != null) {
            // bias first, in the order of the unfused Add(Add(y, bias), residual)
            epilogue(y, bias, null, Activation.NONE, threads);
            bias = null;
        }
        float[] v = y.floats();
        if (residual != null) {
            addInPlace(v, y.shape(), residual);
        }
        float[] b = bias == null ? null : bias.asFloats();
        int n = b == null ? 1 : b.length;
        if (b != null && (y.rank() == 0 || y.dim(-1) != n)) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "fused bias of " + n + " values for output " + Shapes.toString(y.shape()));
        }
        int rows = v.length / Math.max(1, n);
        Parallel.forRange(threads, rows, Math.max(1, 16384 / n), (s, e) -> {
            for (int r = s; r < e; r++) {
                int base = r * n;
                if (b != null) {
                    for (int j = 0; j < n; j++) {
                        v[base + j] += b[j];
                    }
                }
                act.apply(v, base, base + n);
            }
        });
        return y;
    }

    /** In place: {@code softmax(s * scale + mask)} over the last axis; all -inf rows give 0 when nanToZero. */
    static void softmaxRows(Tensor s, Tensor mask, float scale, boolean nanToZero, int threads) {
        int[] shape = s.shape();
        int r = shape.length;
        int t = shape[r - 1];
        float[] v = s.floats();
        float[] mv = mask == null ? null : mask.asFloats();
        int[] mst = mask == null ? null : Shapes.broadcastStrides(mask.shape(), shape);
        int[] strides = Shapes.strides(shape);
        int rows = t == 0 ? 0 : v.length / t;
        int mj = mst == null ? 0 : mst[r - 1];
        RangeBody body = (st, en) -> {
            for (int row = st; row < en; row++) {
                int base = row * t;
                int moff = 0;
                if (mv != null) {
                    for (int d = 0; d < r - 1; d++) {
                        moff += (base / strides[d] % shape[d]) * mst[d];
                    }
                }
                SoftmaxRow.softmax(v, base, t, scale, mv, moff, mj, nanToZero);
            }
        };
        if (threads <= 1 || rows < 16) {
            body.run(0, rows);
        } else {
            Parallel.forRange(threads, rows, 8, body);
        }
    }

    /** {@code out += r}, with r broadcast to out's shape. */
    static void addInPlace(float[] out, int[] shape, Tensor r) {
        float[] rv = r.asFloats();
        if (java.util.Arrays.equals(r.shape(), shape)) {
            for (int i = 0; i < out.length; i++) {
                out[i] += rv[i];
            }
            return;
        }
        int[] full = Shapes.broadcast(shape, r.shape());
        if (!java.util.Arrays.equals(full, shape)) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "residual " + Shapes.toString(r.shape())
                    + " does not broadcast to " + Shapes.toString(shape));
        }
        int[] st = Shapes.broadcastStrides(r.shape(), shape);
        int[] idx = new int[shape.length];
        for (int i = 0; i < out.length; i++) {
            int off = 0;
            for (int d = 0; d < shape.length; d++) {
                off += idx[d] * st[d];
            }
            out[i] += rv[off];
            for (int d = shape.length - 1; d >= 0 && ++idx[d] == shape[d]; d--) {
                idx[d] = 0;
            }
        }
    }

    /**
     * {@code act(alpha * op(A) @ op(B) + beta * C)} for 2-D A and B; C broadcast to [M, N].
     */
    static Tensor gemm(Tensor a, Tensor b, Tensor c, boolean transA, boolean transB, float alpha, float beta, Activation act, int threads) {
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int nn = transB ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "fused Gemm: inner dimensions " + k + " and " + kb + " differ");
        }
        float[] av = transA ? transpose(a.asFloats(), a.dim(0), a.dim(1)) : a.asFloats();
        float[] bv = transB ? transpose(b.asFloats(), b.dim(0), b.dim(1)) : b.asFloats();
        float[] out = new float[m * nn];
        if (c != null) {
            Tensor cb = c;
            float[] cv = cb.asFloats();
            int[] st = Shapes.broadcastStrides(cb.shape(), new int[] {m, nn});
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < nn; j++) {
                    out[i * nn + j] = beta * cv[i * st[0] + j * st[1]];
                }
            }
        }
        matmulRows(av, bv, out, m, k, nn, alpha, act, threads);
        return Tensor.of(out, m, nn);
    }

    static Tensor matmulBias(Tensor a, Tensor b, Tensor bias, Activation act, int threads) {
        return matmulBias(a, b, bias, null, act, threads);
    }

    /**
     * MatMul of A (any rank >= 1) by a 2-D B, plus an optional bias of length N, plus an optional
     * residual (broadcast to the product), then the activation: a transformer's dense layer.
     */
    static Tensor matmulBias(Tensor a, Tensor b, Tensor bias, Tensor residual, Activation act, int threads) {
        if (residual != null) {
            return epilogue(matmulBias(a, b, bias, null, Activation.NONE, threads), null, residual, act, threads);
        }
        int[] as = a.shape();
        if (b.rank() != 2) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "fused MatMul needs a 2-D B, got " + Shapes.toString(b.shape()));
        }
        int k = as[as.length - 1];
        if (k != b.dim(0)) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "fused MatMul: " + Shapes.toString(as) + " x " + Shapes.toString(b.shape()));
        }
        int nn = b.dim(1);
        int m = a.size() / Math.max(1, k);
        float[] out = new float[m * nn];
        if (bias != null) {
            float[] bv = bias.asFloats();
            if (bv.length != nn) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "fused MatMul: bias of " + bv.length + " values for " + nn + " columns");
            }
            for (int i = 0; i < m; i++) {
                System.arraycopy(bv, 0, out, i * nn, nn);
            }
        }
        matmulRows(a.asFloats(), b.asFloats(), out, m, k, nn, 1f, act, threads);
        int[] os = as.clone();
        os[os.length - 1] = nn;
        if (as.length == 1) {
            os = new int[] {nn};
        }
        return Tensor.of(out, os);
    }

    /** out[m,n] += alpha * a[m,k] @ b[k,n], then the activation, rows split across threads. */
    private static void matmulRows(float[] a, float[] b, float[] out, int m, int k, int n, float alpha, Activation act, int threads) {
        Parallel.forRange(threads, m, Math.max(1, 4096 / Math.max(1, k * n / 64 + 1)), (s, e) -> {
            float[] acc = new float[n];
            for (int i = s; i < e; i++) {
                java.util.Arrays.fill(acc, 0f);
                int arow = i * k;
                for (int p = 0; p < k; p++) {
                    float av = a[arow + p];
                    if (av == 0) {
                        continue;
                    }
                    int brow = p * n;
                    for (int j = 0; j < n; j++) {
                        acc[j] += av * b[brow + j];
                    }
                }
                int orow = i * n;
                for (int j = 0; j < n; j++) {
                    out[orow + j] += alpha * acc[j];
                }
                act.apply(out, orow, orow + n);
            }
        });
    }

    static float[] transpose(float[] v, int rows, int cols) {
        float[] t = new float[v.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = v[i * cols + j];
            }
        }
        return t;
    }

    /**
     * Layer normalization over the trailing dims from {@code axis}, with scale and optional bias;
     * vector loops (float accumulation in 8 lanes), output from {@code buffer} (the session's
     * pool) when given. RowKernelsTest checks it against a scalar, double-accumulating reference.
     */
    static Tensor layerNorm(Tensor x, Tensor scale, Tensor bias, int axis, float eps, int threads,
                            java.util.function.IntFunction<float[]> buffer) {
        int[] s = x.shape();
        int ax = Shapes.axis(axis, s.length, "LayerNormalization");
        int inner = 1;
        for (int i = ax; i < s.length; i++) {
            inner *= s[i];
        }
        int rows = x.size() / Math.max(1, inner);
        float[] xv = x.asFloats();
        float[] g = scale.asFloats();
        float[] bv = bias == null ? null : bias.asFloats();
        if (g.length != inner || (bv != null && bv.length != inner)) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "LayerNormalization: scale/bias of " + g.length
                    + " values for rows of " + inner);
        }
        float[] out = buffer == null ? null : buffer.apply(xv.length);
        if (out == null || out == xv) {
            out = new float[xv.length];
        }
        NormRows.layerNormRows(xv, out, rows, inner, g, bv, eps, threads);
        return Tensor.of(out, s);
    }

    /**
     * softmax(Q @ Kt * scale + mask) @ V for Q [..., S, D], Kt [..., D, T], V [..., T, Dv] with
     * equal leading dims and a mask broadcastable to [..., S, T]. One query row at a time, so the
     * S x T score matrix never exists. Rows whose scores are all -inf give zeros when
     * {@code nanToZero} (what exporters' IsNaN/Where guard computes), NaN otherwise.
     */
    static Tensor attention(Tensor q, Tensor kt, Tensor v, Tensor mask, float scale, boolean nanToZero, int threads) {
        int[] qs = q.shape();
        int r = qs.length;
        if (r < 2 || kt.rank() != r || v.rank() != r) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "fused Attention needs Q, K^T and V of equal rank >= 2");
        }
        int s = qs[r - 2], d = qs[r - 1], t = kt.dim(-1), dv = v.dim(-1);
        if (kt.dim(-2) != d || v.dim(-2) != t) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "fused Attention: Q " + Shapes.toString(qs) + ", K^T "
                    + Shapes.toString(kt.shape()) + ", V " + Shapes.toString(v.shape()));
        }
        int batch = q.size() / (s * d);
        if (kt.size() != batch * d * t || v.size() != batch * t * dv) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "fused Attention: leading dims of Q, K^T and V differ");
        }
        int[] scoreShape = qs.clone();
        scoreShape[r - 1] = t;
        float[] mv = mask == null ? null : mask.asFloats();
        int[] mst = mask == null ? null : Shapes.broadcastStrides(mask.shape(), scoreShape);
        int[] scoreStrides = Shapes.strides(scoreShape);
        float[] qv = q.asFloats(), kv = kt.asFloats(), vv = v.asFloats();
        float[] out = new float[batch * s * dv];
        Parallel.forRange(threads, batch * s, 4, (st, en) -> {
            float[] row = new float[t];
            for (int job = st; job < en; job++) {
                int bi = job / s, i = job % s;
                int qb = (bi * s + i) * d, kb = bi * d * t, vb = bi * t * dv;
                java.util.Arrays.fill(row, 0f);
                for (int p = 0; p < d; p++) {
                    float qp = qv[qb + p] * scale;
                    int krow = kb + p * t;
                    for (int j = 0; j < t; j++) {
                        row[j] += qp * kv[krow + j];
                    }
                }
                if (mv != null) {
                    int flat = job * t;
                    int moff = 0;
                    for (int dd = 0; dd < r - 1; dd++) {
                        moff += (flat / scoreStrides[dd] % scoreShape[dd]) * mst[dd];
                    }
                    int mj = mst[r - 1];
                    for (int j = 0; j < t; j++) {
                        row[j] += mv[moff + j * mj];
                    }
                }
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < t; j++) {
                    max = Math.max(max, row[j]);
                }
                int ob = job * dv;
                if (max == Float.NEGATIVE_INFINITY || Float.isNaN(max)) {
                    java.util.Arrays.fill(out, ob, ob + dv, nanToZero ? 0f : Float.NaN);
                    continue;
                }
                double sum = 0;
                for (int j = 0; j < t; j++) {
                    float e = (float) Math.exp(row[j] - max);
                    row[j] = e;
                    sum += e;
                }
                float inv = (float) (1 / sum);
                for (int j = 0; j < t; j++) {
                    float pj = row[j] * inv;
                    if (pj == 0) {
                        continue;
                    }
                    int vrow = vb + j * dv;
                    for (int c = 0; c < dv; c++) {
                        out[ob + c] += pj * vv[vrow + c];
                    }
                }
            }
        });
        int[] os = qs.clone();
        os[r - 1] = dv;
        return Tensor.of(out, os);
    }

    /** Element-wise activation (GELU and friends) into a new tensor. */
    static Tensor map(Tensor x, Activation act, int threads) {
        float[] xv = x.asFloats();
        float[] out = new float[xv.length];
        Parallel.forRange(threads, xv.length, 16384, (s, e) -> {
            for (int i = s; i < e; i++) {
                out[i] = act.apply(xv[i]);
            }
        });
        return Tensor.of(out, x.shape());
    }
}
