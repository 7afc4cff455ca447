package io.ghostflow.nn.autograd;

import io.ghostflow.nn.ops.Im2col;
import io.ghostflow.nn.ops.Ops;

/** 2-D max and average pooling (NCHW, square windows, symmetric padding). */
public final class Pooling {
    private Pooling() {
    }

    public static Var maxPool(Var x, int k, int stride, int pad) {
        return pool(x, k, stride, pad, true);
    }

    /** Average pooling that excludes padding from the count (ONNX count_include_pad=0). */
    public static Var avgPool(Var x, int k, int stride, int pad) {
        return pool(x, k, stride, pad, false);
    }

    private static Var pool(Var x, int k, int stride, int pad, boolean max) {
        int h = x.dim(2);
        int w = x.dim(3);
        int oh = Im2col.outSize(h, k, stride, pad, pad);
        int ow = Im2col.outSize(w, k, stride, pad, pad);
        float[] y = Ops.run1(max ? "MaxPool" : "AveragePool", Ops.attrs("kernel_shape", new long[] {k, k},
                "strides", new long[] {stride, stride}, "pads", new long[] {pad, pad, pad, pad}), x.toTensor()).floats();
        int planes = x.dim(0) * x.dim(1);
        float[] xs = x.data();
        return Var.result(y, new int[] {x.dim(0), x.dim(1), oh, ow}, g -> {
            float[] dx = x.gradBuffer();
            for (int p = 0; p < planes; p++) {
                for (int oi = 0; oi < oh; oi++) {
                    for (int oj = 0; oj < ow; oj++) {
                        int o = (p * oh + oi) * ow + oj;
                        int i0 = Math.max(0, oi * stride - pad);
                        int i1 = Math.min(h, oi * stride - pad + k);
                        int j0 = Math.max(0, oj * stride - pad);
                        int j1 = Math.min(w, oj * stride - pad + k);
                        if (max) {
                            // the gradient goes to the first position holding the maximum
                            int best = -1;
                            for (int i = i0; i < i1 && best < 0; i++) {
                                for (int j = j0; j < j1; j++) {
                                    if (xs[(p * h + i) * w + j] == y[o]) {
                                        best = (p * h + i) * w + j;
                                        break;
                                    }
                                }
                            }
                            if (best >= 0) {
                                dx[best] += g[o];
                            }
                        } else {
                            float share = g[o] / ((i1 - i0) * (j1 - j0));
                            for (int i = i0; i < i1; i++) {
                                for (int j = j0; j < j1; j++) {
                                    dx[(p * h + i) * w + j] += share;
                                }
                            }
                        }
                    }
                }
            }
        }, x);
    }
}
