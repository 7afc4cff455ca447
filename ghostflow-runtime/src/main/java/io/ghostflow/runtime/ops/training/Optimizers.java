package io.ghostflow.runtime.ops.training;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;

/**
 * Adagrad, Momentum and Adam (ai.onnx.preview.training, version 1): one update step for n
 * tensors at once. Inputs are R (learning rate), T (update count), then n-tensor groups in the
 * order the spec lists them (X, G, then the optimizer's state tensors); outputs are the
 * updated X group followed by the updated state groups. Arithmetic runs in double and is
 * stored in each tensor's own dtype.
 */
final class Optimizers {
    private Optimizers() {
    }

    static OpKernel adagrad(Node node, OpConfig cfg) {
        double decay = node.getFloat("decay_factor", 0f);
        double eps = node.getFloat("epsilon", 0f);
        double norm = node.getFloat("norm_coefficient", 0f);
        int n = groupSize(node, 3);
        return (ctx, in) -> {
            double r = scalar(in[0], "R") / (1 + scalar(in[1], "T") * decay);
            Value[] out = new Value[2 * n];
            for (int k = 0; k < n; k++) {
                Tensor x = (Tensor) in[2 + k];
                Tensor g = (Tensor) in[2 + n + k];
                Tensor h = (Tensor) in[2 + 2 * n + k];
                check(node, x, g, h);
                Tensor xNew = Tensor.zeros(x.dtype(), x.shape());
                Tensor hNew = Tensor.zeros(h.dtype(), h.shape());
                for (int i = 0; i < x.size(); i++) {
                    double gr = norm * x.getDouble(i) + g.getDouble(i);
                    double hn = h.getDouble(i) + gr * gr;
                    hNew.setDouble(i, hn);
                    xNew.setDouble(i, x.getDouble(i) - r * gr / (Math.sqrt(hn) + eps));
                }
                out[k] = xNew;
                out[n + k] = hNew;
            }
            return out;
        };
    }

    static OpKernel momentum(Node node, OpConfig cfg) {
        double alpha = requireFloat(node, "alpha");
        double beta = requireFloat(node, "beta");
        double norm = requireFloat(node, "norm_coefficient");
        String mode = node.getString("mode", null);
        if (mode == null) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "Momentum: missing required attribute 'mode'");
        }
        boolean nesterov = switch (mode) {
            case "standard" -> false;
            case "nesterov" -> true;
            default -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "Momentum: mode '" + mode + "'");
        };
        int n = groupSize(node, 3);
        return (ctx, in) -> {
            double r = scalar(in[0], "R");
            // The first update (T == 0) takes the gradient at full weight.
            double betaAdj = scalar(in[1], "T") > 0 ? beta : 1;
            Value[] out = new Value[2 * n];
            for (int k = 0; k < n; k++) {
                Tensor x = (Tensor) in[2 + k];
                Tensor g = (Tensor) in[2 + n + k];
                Tensor v = (Tensor) in[2 + 2 * n + k];
                check(node, x, g, v);
                Tensor xNew = Tensor.zeros(x.dtype(), x.shape());
                Tensor vNew = Tensor.zeros(v.dtype(), v.shape());
                for (int i = 0; i < x.size(); i++) {
                    double gr = norm * x.getDouble(i) + g.getDouble(i);
                    double vn = alpha * v.getDouble(i) + betaAdj * gr;
                    vNew.setDouble(i, vn);
                    double step = nesterov ? gr + alpha * vn : vn;
                    xNew.setDouble(i, x.getDouble(i) - r * step);
                }
                out[k] = xNew;
                out[n + k] = vNew;
            }
            return out;
        };
    }

    static OpKernel adam(Node node, OpConfig cfg) {
        double alpha = node.getFloat("alpha", 0.9f);
        double beta = node.getFloat("beta", 0.999f);
        double eps = node.getFloat("epsilon", 1e-6f);
        double norm = node.getFloat("norm_coefficient", 0f);
        double normPost = node.getFloat("norm_coefficient_post", 0f);
        int n = groupSize(node, 4);
        return (ctx, in) -> {
            double r = scalar(in[0], "R");
            double t = scalar(in[1], "T");
            // Bias correction of the moment estimates, skipped on the first step as the spec says.
            double rAdj = t > 0 ? r * Math.sqrt(1 - Math.pow(beta, t)) / (1 - Math.pow(alpha, t)) : r;
            Value[] out = new Value[3 * n];
            for (int k = 0; k < n; k++) {
                Tensor x = (Tensor) in[2 + k];
                Tensor g = (Tensor) in[2 + n + k];
                Tensor v = (Tensor) in[2 + 2 * n + k];
                Tensor h = (Tensor) in[2 + 3 * n + k];
                check(node, x, g, v);
                check(node, x, g, h);
                Tensor xNew = Tensor.zeros(x.dtype(), x.shape());
                Tensor vNew = Tensor.zeros(v.dtype(), v.shape());
                Tensor hNew = Tensor.zeros(h.dtype(), h.shape());
                for (int i = 0; i < x.size(); i++) {
                    double gr = norm * x.getDouble(i) + g.getDouble(i);
                    double vn = alpha * v.getDouble(i) + (1 - alpha) * gr;
                    double hn = beta * h.getDouble(i) + (1 - beta) * gr * gr;
                    vNew.setDouble(i, vn);
                    hNew.setDouble(i, hn);
                    double xn = x.getDouble(i) - rAdj * vn / (Math.sqrt(hn) + eps);
                    xNew.setDouble(i, (1 - normPost) * xn);
                }
                out[k] = xNew;
                out[n + k] = vNew;
                out[2 * n + k] = hNew;
            }
            return out;
        };
    }

    /** Number of optimized tensors: (inputs - 2) split into {@code groups} equal groups. */
    private static int groupSize(Node node, int groups) {
        int rest = node.inputs().size() - 2;
        if (rest <= 0 || rest % groups != 0) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, node.opType() + ": expected R, T and " + groups
                    + " equal groups of tensors, got " + node.inputs().size() + " inputs");
        }
        int n = rest / groups;
        int expectedOutputs = (groups - 1) * n;
        if (node.outputs().size() != expectedOutputs) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, node.opType() + ": expected " + expectedOutputs
                    + " outputs for " + n + " optimized tensors, got " + node.outputs().size());
        }
        return n;
    }

    private static double requireFloat(Node node, String attr) {
        if (!node.has(attr)) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, node.opType() + ": missing required attribute '" + attr + "'");
        }
        return node.getFloat(attr, 0f);
    }

    private static double scalar(Value v, String what) {
        Tensor t = (Tensor) v;
        if (t.size() != 1) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "input " + what + " must be a scalar, has shape "
                    + Arrays.toString(t.shape()));
        }
        return t.getDouble(0);
    }

    private static void check(Node node, Tensor x, Tensor g, Tensor s) {
        if (!Arrays.equals(x.shape(), g.shape()) || !Arrays.equals(x.shape(), s.shape())) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, node.opType() + ": X, G and state shapes differ: "
                    + Arrays.toString(x.shape()) + ", " + Arrays.toString(g.shape()) + ", " + Arrays.toString(s.shape()));
        }
    }
}
