package io.ghostflow.runtime.ops.extra;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;

/**
 * CausalConvWithState (opset 27): depthwise causal 1-D convolution for streaming. The input
 * (B, C, L) is left-padded with past_state (B, C, k-1) (zeros when absent), convolved per
 * channel with weight (C, 1, k) plus optional bias, optionally passed through SiLU
 * ("silu"/"swish"); present_state is the last k-1 positions of the padded input.
 */
final class CausalConvWithStateOp {
    private CausalConvWithStateOp() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        String act = node.getString("activation", "none");
        boolean silu = switch (act) {
            case "none" -> false;
            case "silu", "swish" -> true;
            default -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "CausalConvWithState: activation '" + act + "'");
        };
        return (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            Tensor w = (Tensor) in[1];
            Tensor bias = in.length > 2 ? (Tensor) in[2] : null;
            Tensor past = in.length > 3 ? (Tensor) in[3] : null;
            if (x.rank() != 3 || w.rank() != 3 || w.dim(0) != x.dim(1) || w.dim(1) != 1) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "CausalConvWithState: input "
                        + Arrays.toString(x.shape()) + " and weight " + Arrays.toString(w.shape())
                        + " must be (B, C, L) and (C, 1, k)");
            }
            int nb = x.dim(0);
            int c = x.dim(1);
            int len = x.dim(2);
            int k = w.dim(2);
            int p = k - 1;
            if (past != null && !Arrays.equals(past.shape(), new int[] {nb, c, p})) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "CausalConvWithState: past_state "
                        + Arrays.toString(past.shape()) + " should be " + Arrays.toString(new int[] {nb, c, p}));
            }
            double[] xv = x.asDoubles();
            double[] wv = w.asDoubles();
            double[] bv = bias == null ? null : bias.asDoubles();
            double[] pv = past == null ? null : past.asDoubles();
            double[] out = new double[nb * c * len];
            double[] state = new double[nb * c * p];
            double[] padded = new double[p + len];
            for (int b = 0; b < nb; b++) {
                for (int ch = 0; ch < c; ch++) {
                    int row = b * c + ch;
                    if (pv != null) {
                        System.arraycopy(pv, row * p, padded, 0, p);
                    } else {
                        Arrays.fill(padded, 0, p, 0);
                    }
                    System.arraycopy(xv, row * len, padded, p, len);
                    for (int t = 0; t < len; t++) {
                        double s = bv == null ? 0 : bv[ch];
                        for (int j = 0; j < k; j++) {
                            s += wv[ch * k + j] * padded[t + j];
                        }
                        out[row * len + t] = silu ? s * Doubles.sigmoid(s) : s;
                    }
                    System.arraycopy(padded, len, state, row * p, p);
                }
            }
            return new Value[] {Doubles.toTensor(x.dtype(), out, nb, c, len), Doubles.toTensor(x.dtype(), state, nb, c, p)};
        };
    }
}
