package io.ghostflow.runtime.ops.misc;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.ops.math.Broadcasting;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/** NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (weights, ignore_index, none/sum/mean, log_prob output). */
public final class LossOps {
    private LossOps() {
    }

    public static void register(OpRegistry r) {
        r.register("NegativeLogLikelihoodLoss", new int[] {12, 13, 22}, (node, cfg) -> {
            String reduction = reduction(node.getString("reduction", "mean"), node.label());
            Long ignore = node.has("ignore_index") ? node.getInt("ignore_index", 0) : null;
            return (ctx, in) -> {
                Tensor x = (Tensor) in[0];
                return new Value[] {nll(x, x.asDoubles(), (Tensor) in[1], in.length > 2 ? (Tensor) in[2] : null, reduction, ignore)};
            };
        });
        r.register("SoftmaxCrossEntropyLoss", new int[] {12, 13}, (node, cfg) -> {
            String reduction = reduction(node.getString("reduction", "mean"), node.label());
            Long ignore = node.has("ignore_index") ? node.getInt("ignore_index", 0) : null;
            return (ctx, in) -> {
                Tensor x = (Tensor) in[0];
                double[] logp = logSoftmaxAxis1(x);
                Tensor loss = nll(x, logp, (Tensor) in[1], in.length > 2 ? (Tensor) in[2] : null, reduction, ignore);
                return new Value[] {loss, Broadcasting.fromDoubles(x.dtype(), logp, x.shape())};
            };
        });
    }

    static String reduction(String r, String label) {
        if (!r.equals("none") && !r.equals("sum") && !r.equals("mean")) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, label + ": attribute 'reduction' must be none, sum or mean, is '" + r + "'");
        }
        return r;
    }

    static double[] logSoftmaxAxis1(Tensor x) {
        double[] a = x.asDoubles();
        int n = x.dim(0);
        int c = x.dim(1);
        int inner = x.size() / Math.max(1, n * c);
        double[] out = new double[a.length];
        for (int b = 0; b < n; b++) {
            for (int k = 0; k < inner; k++) {
                int base = b * c * inner + k;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < c; j++) {
                    max = Math.max(max, a[base + j * inner]);
                }
                double sum = 0;
                for (int j = 0; j < c; j++) {
                    sum += Math.exp(a[base + j * inner] - max);
                }
                double ls = Math.log(sum);
                for (int j = 0; j < c; j++) {
                    out[base + j * inner] = a[base + j * inner] - max - ls;
                }
            }
        }
        return out;
    }

    /** loss[n, d] = -logp[n, t, d] * w[t] with t = target[n, d]; ignored targets weigh 0. */
    static Tensor nll(Tensor like, double[] logp, Tensor target, Tensor weight, String reduction, Long ignore) {
        int n = like.dim(0);
        int c = like.dim(1);
        int inner = like.size() / Math.max(1, n * c);
        long[] t = target.asLongs();
        double[] w = weight == null ? null : weight.asDoubles();
        double[] loss = new double[n * inner];
        double wsum = 0;
        for (int b = 0; b < n; b++) {
            for (int k = 0; k < inner; k++) {
                int i = b * inner + k;
                long cls = t[i];
                if (ignore != null && cls == ignore) {
                    continue;
                }
                if (cls < 0 || cls >= c) {
                    throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "loss: target " + cls + " out of range [0, " + c + ")");
                }
                double wt = w == null ? 1 : w[(int) cls];
                loss[i] = -logp[(b * c + (int) cls) * inner + k] * wt;
                wsum += wt;
            }
        }
        if (reduction.equals("none")) {
            return Broadcasting.fromDoubles(like.dtype(), loss, target.shape());
        }
        double s = 0;
        for (double v : loss) {
            s += v;
        }
        if (reduction.equals("mean")) {
            s /= wsum;
        }
        return Broadcasting.fromDoubles(like.dtype(), new double[] {s}, new int[0]);
    }
}
