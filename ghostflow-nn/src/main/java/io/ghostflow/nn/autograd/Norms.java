package io.ghostflow.nn.autograd;

import io.ghostflow.nn.ops.Ops;
import io.ghostflow.tensor.Tensor;

/**
 * Batch and layer normalisation. Statistics are computed here (the ONNX operators take them as
 * inputs, or compute them internally), the normalisation itself runs in the runtime's kernels.
 */
public final class Norms {
    private Norms() {
    }

    /**
     * Training-mode batch norm over N, H, W per channel: normalises with the batch statistics and
     * blends them into the running ones (PyTorch convention: {@code momentum} weighs the new batch,
     * the running variance is unbiased).
     */
    public static Var batchNormTrain(Var x, Var gamma, Var beta, float[] runningMean, float[] runningVar, float momentum, float eps) {
        int n = x.dim(0);
        int c = x.dim(1);
        int inner = x.size() / (n * c);
        int count = n * inner;
        float[] xs = x.data();
        float[] mean = new float[c];
        float[] var = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double s = 0;
            for (int b = 0; b < n; b++) {
                int off = (b * c + ch) * inner;
                for (int i = 0; i < inner; i++) {
                    s += xs[off + i];
                }
            }
            double mu = s / count;
            double q = 0;
            for (int b = 0; b < n; b++) {
                int off = (b * c + ch) * inner;
                for (int i = 0; i < inner; i++) {
                    double t = xs[off + i] - mu;
                    q += t * t;
                }
            }
            mean[ch] = (float) mu;
            var[ch] = (float) (q / count);
            runningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * mean[ch];
            runningVar[ch] = (1 - momentum) * runningVar[ch] + momentum * (float) (q / Math.max(1, count - 1));
        }
        Var out = batchNorm(x, gamma, beta, mean, var, eps);
        if (!out.requiresGrad()) {
            return out;
        }
        return Var.result(out.data(), out.shape(), g -> {
            float[] gamma0 = gamma.data();
            float[] dx = x.requiresGrad() ? x.gradBuffer() : null;
            float[] dg = gamma.requiresGrad() ? gamma.gradBuffer() : null;
            float[] dbeta = beta.requiresGrad() ? beta.gradBuffer() : null;
            for (int ch = 0; ch < c; ch++) {
                double inv = 1 / Math.sqrt(var[ch] + eps);
                double sumG = 0;
                double sumGX = 0;
                for (int b = 0; b < n; b++) {
                    int off = (b * c + ch) * inner;
                    for (int i = 0; i < inner; i++) {
                        sumG += g[off + i];
                        sumGX += g[off + i] * (xs[off + i] - mean[ch]) * inv;
                    }
                }
                if (dg != null) {
                    dg[ch] += (float) sumGX;
                }
                if (dbeta != null) {
                    dbeta[ch] += (float) sumG;
                }
                if (dx != null) {
                    double k = gamma0[ch] * inv / count;
                    for (int b = 0; b < n; b++) {
                        int off = (b * c + ch) * inner;
                        for (int i = 0; i < inner; i++) {
                            double xhat = (xs[off + i] - mean[ch]) * inv;
                            dx[off + i] += (float) (k * (count * g[off + i] - sumG - xhat * sumGX));
                        }
                    }
                }
            }
        }, x, gamma, beta);
    }

    /** Batch norm with fixed statistics (eval mode): the ONNX BatchNormalization operator. */
    public static Var batchNorm(Var x, Var gamma, Var beta, float[] mean, float[] var, float eps) {
        int c = gamma.size();
        Tensor y = Ops.run1("BatchNormalization", Ops.attrs("epsilon", eps, "momentum", 0.9f), x.toTensor(), gamma.toTensor(),
                beta.toTensor(), Tensor.of(mean, c), Tensor.of(var, c));
        int n = x.dim(0);
        int inner = x.size() / (n * c);
        float[] xs = x.data();
        return Var.result(y.floats(), x.shape(), g -> {
            for (int ch = 0; ch < c; ch++) {
                double inv = 1 / Math.sqrt(var[ch] + eps);
                double sumG = 0;
                double sumGX = 0;
                for (int b = 0; b < n; b++) {
                    int off = (b * c + ch) * inner;
                    for (int i = 0; i < inner; i++) {
                        sumG += g[off + i];
                        sumGX += g[off + i] * (xs[off + i] - mean[ch]) * inv;
                        if (x.requiresGrad()) {
                            x.gradBuffer()[off + i] += (float) (g[off + i] * gamma.data()[ch] * inv);
                        }
                    }
                }
                if (gamma.requiresGrad()) {
                    gamma.gradBuffer()[ch] += (float) sumGX;
                }
                if (beta.requiresGrad()) {
                    beta.gradBuffer()[ch] += (float) sumG;
                }
            }
        }, x, gamma, beta);
    }

    /** Layer normalisation over the last axis (ONNX LayerNormalization, axis=-1). */
    public static Var layerNorm(Var x, Var gamma, Var beta, float eps) {
        int d = x.dim(-1);
        Tensor y = Ops.run1("LayerNormalization", Ops.attrs("axis", -1, "epsilon", eps), x.toTensor(), gamma.toTensor(), beta.toTensor());
        float[] xs = x.data();
        return Var.result(y.floats(), x.shape(), g -> {
            float[] gm = gamma.data();
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
                double sumG = 0;
                double sumGX = 0;
                for (int i = 0; i < d; i++) {
                    double xhat = (xs[off + i] - mean) * inv;
                    double gi = g[off + i] * gm[i];
                    sumG += gi;
                    sumGX += gi * xhat;
                    if (gamma.requiresGrad()) {
                        gamma.gradBuffer()[i] += (float) (g[off + i] * xhat);
                    }
                    if (beta.requiresGrad()) {
                        beta.gradBuffer()[i] += g[off + i];
                    }
                }
                if (x.requiresGrad()) {
                    float[] dx = x.gradBuffer();
                    for (int i = 0; i < d; i++) {
                        double xhat = (xs[off + i] - mean) * inv;
                        dx[off + i] += (float) (inv / d * (d * g[off + i] * gm[i] - sumG - xhat * sumGX));
                    }
                }
            }
        }, x, gamma, beta);
    }
}
