package io.ghostflow.runtime.ops.nn;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.linalg.FloatIO;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/**
 * BatchNormalization. Inference folds scale/bias/mean/var into one per-channel multiply-add
 * (pre-computed when all four are constants). training_mode (opset 14+) normalises with the
 * batch statistics and also returns the updated running mean and variance.
 */
final class BatchNorm {
    private BatchNorm() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        float eps = node.getFloat("epsilon", 1e-5f);
        float momentum = node.getFloat("momentum", 0.9f);
        boolean training = cfg.sinceVersion() >= 14 && node.getInt("training_mode", 0) != 0;
        if (cfg.sinceVersion() < 9 && node.getInt("spatial", 1) == 0) {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, node.label() + ": BatchNormalization with spatial=0");
        }
        float[][] folded = null;
        Tensor[] consts = new Tensor[4];
        boolean allConst = true;
        for (int i = 0; i < 4; i++) {
            consts[i] = cfg.constant(node.input(i + 1));
            allConst &= consts[i] != null;
        }
        if (allConst && !training) {
            folded = fold(consts[0].asFloats(), consts[1].asFloats(), consts[2].asFloats(), consts[3].asFloats(), eps);
        }
        float[][] pre = folded;
        return (ctx, in) -> {
            Tensor x = FloatIO.require(in[0], "BatchNormalization input X");
            int[] xs = x.shape();
            int n = xs[0];
            int c = xs.length > 1 ? xs[1] : 1;
            int inner = n * c == 0 ? 0 : x.size() / (n * c);
            float[] xv = FloatIO.in(x, "BatchNormalization X");
            float[] scale = FloatIO.in(FloatIO.require(in[1], "scale"), "scale");
            float[] bias = FloatIO.in(FloatIO.require(in[2], "B"), "B");
            float[] mean = FloatIO.in(FloatIO.require(in[3], "mean"), "mean");
            float[] var = FloatIO.in(FloatIO.require(in[4], "var"), "var");
            if (scale.length != c || bias.length != c || mean.length != c || var.length != c) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "BatchNormalization: scale/B/mean/var need " + c + " values");
            }
            float[] runMean = null;
            float[] runVar = null;
            boolean sameConsts = pre != null && in[1] == consts[0] && in[2] == consts[1] && in[3] == consts[2] && in[4] == consts[3];
            float[][] ab = sameConsts ? pre : null;
            if (training) {
                float[] bm = new float[c];
                float[] bvar = new float[c];
                for (int ch = 0; ch < c; ch++) {
                    double s = 0;
                    double sq = 0;
                    for (int b = 0; b < n; b++) {
                        int off = (b * c + ch) * inner;
                        for (int i = 0; i < inner; i++) {
                            s += xv[off + i];
                        }
                    }
                    double mu = s / ((double) n * inner);
                    for (int b = 0; b < n; b++) {
                        int off = (b * c + ch) * inner;
                        for (int i = 0; i < inner; i++) {
                            double dv = xv[off + i] - mu;
                            sq += dv * dv;
                        }
                    }
                    bm[ch] = (float) mu;
                    bvar[ch] = (float) (sq / ((double) n * inner));
                }
                runMean = new float[c];
                runVar = new float[c];
                for (int ch = 0; ch < c; ch++) {
                    runMean[ch] = mean[ch] * momentum + bm[ch] * (1 - momentum);
                    runVar[ch] = var[ch] * momentum + bvar[ch] * (1 - momentum);
                }
                ab = fold(scale, bias, bm, bvar, eps);
            } else if (ab == null) {
                ab = fold(scale, bias, mean, var, eps);
            }
            float[] y = new float[xv.length];
            for (int b = 0; b < n; b++) {
                for (int ch = 0; ch < c; ch++) {
                    float a = ab[0][ch];
                    float sh = ab[1][ch];
                    int off = (b * c + ch) * inner;
                    for (int i = 0; i < inner; i++) {
                        y[off + i] = xv[off + i] * a + sh;
                    }
                }
            }
            Tensor yt = FloatIO.out(y, x.dtype(), xs);
            if (!training) {
                return new Value[] {yt};
            }
            Tensor m4 = (Tensor) in[3];
            return new Value[] {yt, FloatIO.out(runMean, m4.dtype(), c), FloatIO.out(runVar, ((Tensor) in[4]).dtype(), c)};
        };
    }

    /** y = x * a + b with a = scale / sqrt(var + eps), b = bias - mean * a. */
    static float[][] fold(float[] scale, float[] bias, float[] mean, float[] var, float eps) {
        int c = scale.length;
        float[] a = new float[c];
        float[] b = new float[c];
        for (int i = 0; i < c; i++) {
            a[i] = (float) (scale[i] / Math.sqrt((double) var[i] + eps));
            b[i] = bias[i] - mean[i] * a[i];
        }
        return new float[][] {a, b};
    }
}
