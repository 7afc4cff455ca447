package io.ghostflow.runtime.ops.extra;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;

/** SwiGLU (opset 28): y = a * sigmoid(alpha * a) * b, for same-shaped a (gate) and b. */
final class SwiGluOp {
    private SwiGluOp() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        double alpha = node.getFloat("alpha", 1f);
        return (ctx, in) -> {
            Tensor a = (Tensor) in[0];
            Tensor b = (Tensor) in[1];
            if (!Arrays.equals(a.shape(), b.shape()) || a.dtype() != b.dtype()) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "SwiGLU: inputs differ: " + a.dtype()
                        + Arrays.toString(a.shape()) + " and " + b.dtype() + Arrays.toString(b.shape()));
            }
            double[] av = a.asDoubles();
            double[] bv = b.asDoubles();
            double[] y = new double[av.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = av[i] * Doubles.sigmoid(alpha * av[i]) * bv[i];
            }
            return new Value[] {Doubles.toTensor(a.dtype(), y, a.shape())};
        };
    }
}
