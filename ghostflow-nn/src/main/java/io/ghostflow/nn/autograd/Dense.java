package io.ghostflow.nn.autograd;

import io.ghostflow.nn.ops.Im2col;
import io.ghostflow.nn.ops.Ops;
import io.ghostflow.tensor.Tensor;

/** Fully connected and convolution layers: forward by the Gemm and Conv kernels, gradients by Gemm. */
public final class Dense {
    private Dense() {
    }

    /** y[N,M] = x[N,K] * w[M,K]^T + b[M] (ONNX Gemm with transB=1, PyTorch's weight layout). */
    public static Var linear(Var x, Var w, Var b) {
        int n = x.dim(0);
        int k = x.dim(1);
        int m = w.dim(0);
        float[] y = Ops.run1("Gemm", Ops.attrs("transB", 1), x.toTensor(), w.toTensor(), b == null ? null : b.toTensor()).floats();
        return Var.result(y, new int[] {n, m}, g -> {
            int[] gs = {n, m};
            if (x.requiresGrad()) {
                x.accumulate(Gemm.mul(g, gs, false, w.data(), new int[] {m, k}, false));
            }
            if (w.requiresGrad()) {
                w.accumulate(Gemm.mul(g, gs, true, x.data(), new int[] {n, k}, false));
            }
            if (b != null && b.requiresGrad()) {
                float[] db = b.gradBuffer();
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < m; j++) {
                        db[j] += g[i * m + j];
                    }
                }
            }
        }, x, w, b);
    }

    /** 2-D convolution, NCHW, weight [M, C, KH, KW], symmetric padding, group 1. */
    public static Var conv2d(Var x, Var w, Var b, int stride, int pad) {
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int wd = x.dim(3);
        int m = w.dim(0);
        int kh = w.dim(2);
        int kw = w.dim(3);
        int oh = Im2col.outSize(h, kh, stride, pad, pad);
        int ow = Im2col.outSize(wd, kw, stride, pad, pad);
        Tensor y = Ops.run1("Conv", Ops.attrs("kernel_shape", new long[] {kh, kw}, "strides", new long[] {stride, stride},
                "pads", new long[] {pad, pad, pad, pad}), x.toTensor(), w.toTensor(), b == null ? null : b.toTensor());
        return Var.result(y.floats(), new int[] {n, m, oh, ow}, g -> {
            int p = oh * ow;
            int cols = n * p;
            int ckk = c * kh * kw;
            // gradients of the whole batch as two matrix products over [C*KH*KW, N*OH*OW] columns
            float[] gm = new float[m * cols];
            for (int bi = 0; bi < n; bi++) {
                for (int oc = 0; oc < m; oc++) {
                    System.arraycopy(g, (bi * m + oc) * p, gm, oc * cols + bi * p, p);
                }
            }
            if (w.requiresGrad()) {
                float[] col = new float[ckk * cols];
                for (int bi = 0; bi < n; bi++) {
                    Im2col.unfold(x.data(), bi * c * h * wd, c, h, wd, kh, kw, stride, stride, pad, pad, oh, ow, col, bi * p, cols);
                }
                w.accumulate(Gemm.mul(gm, new int[] {m, cols}, false, col, new int[] {ckk, cols}, true));
            }
            if (b != null && b.requiresGrad()) {
                float[] db = b.gradBuffer();
                for (int oc = 0; oc < m; oc++) {
                    float s = 0;
                    for (int i = 0; i < cols; i++) {
                        s += gm[oc * cols + i];
                    }
                    db[oc] += s;
                }
            }
            if (x.requiresGrad()) {
                float[] dcol = Gemm.mul(w.data(), new int[] {m, ckk}, true, gm, new int[] {m, cols}, false);
                float[] dx = x.gradBuffer();
                for (int bi = 0; bi < n; bi++) {
                    Im2col.fold(dcol, bi * p, cols, c, h, wd, kh, kw, stride, stride, pad, pad, oh, ow, dx, bi * c * h * wd);
                }
            }
        }, x, w, b);
    }
}
