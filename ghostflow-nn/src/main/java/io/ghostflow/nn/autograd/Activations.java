package io.ghostflow.nn.autograd;

import io.ghostflow.nn.ops.Ops;

/** Element-wise activations and softmax: forward by the runtime's kernels, derivatives here. */
public final class Activations {
    private Activations() {
    }

    public static Var relu(Var x) {
        float[] y = Ops.run1("Relu", Ops.attrs(), x.toTensor()).floats();
        return Var.result(y, x.shape(), g -> {
            float[] dx = x.gradBuffer();
            for (int i = 0; i < dx.length; i++) {
                if (y[i] > 0) {
                    dx[i] += g[i];
                }
            }
        }, x);
    }

    public static Var leakyRelu(Var x, float alpha) {
        float[] y = Ops.run1("LeakyRelu", Ops.attrs("alpha", alpha), x.toTensor()).floats();
        float[] xs = x.data();
        return Var.result(y, x.shape(), g -> {
            float[] dx = x.gradBuffer();
            for (int i = 0; i < dx.length; i++) {
                dx[i] += xs[i] >= 0 ? g[i] : alpha * g[i];
            }
        }, x);
    }

    public static Var sigmoid(Var x) {
        float[] y = Ops.run1("Sigmoid", Ops.attrs(), x.toTensor()).floats();
        return Var.result(y, x.shape(), g -> {
            float[] dx = x.gradBuffer();
            for (int i = 0; i < dx.length; i++) {
                dx[i] += g[i] * y[i] * (1 - y[i]);
            }
        }, x);
    }

    public static Var tanh(Var x) {
        float[] y = Ops.run1("Tanh", Ops.attrs(), x.toTensor()).floats();
        return Var.result(y, x.shape(), g -> {
            float[] dx = x.gradBuffer();
            for (int i = 0; i < dx.length; i++) {
                dx[i] += g[i] * (1 - y[i] * y[i]);
            }
        }, x);
    }

    /** Exact (erf) GELU, ONNX Gelu-20 with approximate="none". */
    public static Var gelu(Var x) {
        float[] y = Ops.run(
                "Gelu", Ops.GELU_OPSET, 1, Ops.attrs(), x.toTensor())[0].floats();
        float[] xs = x.data();
        return Var.result(y, x.shape(), g -> {
            float[] dx = x.gradBuffer();
            for (int i = 0; i < dx.length; i++) {
                double v = xs[i];
                double cdf = 0.5 * (1 + io.ghostflow.runtime.ops.math.Unary.erf(v / Math.sqrt(2)));
                double pdf = Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
                dx[i] += (float) (g[i] * (cdf + v * pdf));
            }
        }, x);
    }

    /** Softmax over the last axis. */
    public static Var softmax(Var x) {
        float[] y = Ops.run1("Softmax", Ops.attrs("axis", -1), x.toTensor()).floats();
        int d = x.dim(-1);
        return Var.result(y, x.shape(), g -> {
            float[] dx = x.gradBuffer();
            for (int r = 0; r < y.length / d; r++) {
                int off = r * d;
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += (double) g[off + i] * y[off + i];
                }
                for (int i = 0; i < d; i++) {
                    dx[off + i] += (float) (y[off + i] * (g[off + i] - dot));
                }
            }
        }, x);
    }
}
