package io.ghostflow.nn.autograd;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import java.util.Arrays;

/** Training losses; each returns a scalar mean over the batch. */
public final class Losses {
    private Losses() {
    }

    /** Softmax cross-entropy on raw logits [N, C] against class ids in [0, C). */
    public static Var crossEntropy(Var logits, int[] labels) {
        if (logits.rank() != 2 || logits.dim(0) != labels.length) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "cross-entropy needs logits [N, C] and N labels; got logits "
                    + Arrays.toString(logits.shape()) + " and " + labels.length + " labels");
        }
        int n = logits.dim(0);
        int c = logits.dim(1);
        float[] z = logits.data();
        float[] prob = new float[n * c];
        double total = 0;
        for (int r = 0; r < n; r++) {
            if (labels[r] < 0 || labels[r] >= c) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "label " + labels[r] + " of sample " + r + " is outside [0, " + c + ")");
            }
            int off = r * c;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, z[off + j]);
            }
            double sum = 0;
            for (int j = 0; j < c; j++) {
                sum += Math.exp(z[off + j] - max);
            }
            double lse = max + Math.log(sum);
            total += lse - z[off + labels[r]];
            for (int j = 0; j < c; j++) {
                prob[off + j] = (float) Math.exp(z[off + j] - lse);
            }
        }
        return Var.result(new float[] {(float) (total / n)}, new int[0], g -> {
            float[] dz = logits.gradBuffer();
            float s = g[0] / n;
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < c; j++) {
                    dz[r * c + j] += s * (prob[r * c + j] - (j == labels[r] ? 1f : 0f));
                }
            }
        }, logits);
    }

    /** Mean squared error against a target of the same size. */
    public static Var mse(Var pred, float[] target) {
        if (pred.size() != target.length) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "mse: prediction has " + pred.size() + " values, target " + target.length);
        }
        float[] p = pred.data();
        double total = 0;
        for (int i = 0; i < p.length; i++) {
            double d = p[i] - target[i];
            total += d * d;
        }
        int n = p.length;
        return Var.result(new float[] {(float) (total / n)}, new int[0], g -> {
            float[] dp = pred.gradBuffer();
            for (int i = 0; i < n; i++) {
                dp[i] += 2 * g[0] * (p[i] - target[i]) / n;
            }
        }, pred);
    }
}
