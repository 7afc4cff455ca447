package io.ghostflow.runtime.ops.extra;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.lang.foreign.MemorySegment;

/**
 * BitCast (opset 26): reinterprets each element's bits as another type of the same width.
 * Sub-byte types are stored one element per byte here, so their bit patterns are not the
 * packed ones the spec means; they, strings and complex types are rejected.
 */
final class BitCastOp {
    private BitCastOp() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        if (!node.has("to")) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "BitCast: missing required attribute 'to'");
        }
        DType to = DType.fromOnnx((int) node.getInt("to", 0));
        if (!supported(to)) {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "BitCast: target type " + to.onnxName());
        }
        return (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            if (!supported(x.dtype())) {
                throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "BitCast: input type " + x.dtype().onnxName());
            }
            if (x.dtype().storageBytes() != to.storageBytes()) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "BitCast: input type " + x.dtype().onnxName() + " ("
                        + 8 * x.dtype().storageBytes() + " bits) and target " + to.onnxName() + " ("
                        + 8 * to.storageBytes() + " bits) differ in width");
            }
            Tensor out = Tensor.zeros(to, x.shape());
            MemorySegment.copy(x.segment(), 0, out.segment(), 0, (long) x.size() * to.storageBytes());
            return new Value[] {out};
        };
    }

    private static boolean supported(DType t) {
        return t != DType.STRING && t != DType.COMPLEX64 && t != DType.COMPLEX128
                && t != DType.INT4 && t != DType.UINT4 && t != DType.FLOAT4E2M1 && t != DType.INT2 && t != DType.UINT2;
    }
}
