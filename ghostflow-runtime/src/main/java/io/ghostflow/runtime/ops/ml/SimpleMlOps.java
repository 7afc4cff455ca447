package io.ghostflow.runtime.ops.ml;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** ArrayFeatureExtractor and Binarizer. */
final class SimpleMlOps {
    private SimpleMlOps() {
    }

    /**
     * Selects entries of the last axis of X by the (flattened) indices Y. A 1-D X gives a
     * (1, n) result, as ONNX Runtime and the reference implementation do.
     */
    static OpKernel arrayFeatureExtractor(Node node, OpConfig cfg) {
        return (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            Tensor y = (Tensor) in[1];
            int[] xs = x.shape();
            if (xs.length == 0) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "ArrayFeatureExtractor: X must have rank >= 1");
            }
            int last = xs[xs.length - 1];
            int n = y.size();
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                long v = y.getLong(i);
                if (v < 0 || v >= last) {
                    throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "ArrayFeatureExtractor: index " + v
                            + " out of range for last dimension " + last);
                }
                idx[i] = (int) v;
            }
            int[] outShape = xs.length == 1 ? new int[] {1, n} : Arrays.copyOf(xs, xs.length);
            outShape[outShape.length - 1] = n;
            int rows = x.size() / Math.max(last, 1);
            if (last == 0) {
                rows = 1;
                for (int d = 0; d < xs.length - 1; d++) {
                    rows *= xs[d];
                }
            }
            Tensor out = Tensor.zeros(x.dtype(), outShape);
            if (x.dtype() == io.ghostflow.tensor.DType.STRING) {
                String[] src = x.strings();
                String[] dst = out.strings();
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < n; j++) {
                        dst[r * n + j] = src[r * last + idx[j]];
                    }
                }
            } else {
                long w = x.dtype().storageBytes();
                MemorySegment src = x.segment();
                MemorySegment dst = out.segment();
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < n; j++) {
                        MemorySegment.copy(src, ((long) r * last + idx[j]) * w, dst, ((long) r * n + j) * w, w);
                    }
                }
            }
            return new Value[] {out};
        };
    }

    /** Y = 1 where X > threshold, else 0, in X's type. */
    static OpKernel binarizer(Node node, OpConfig cfg) {
        double threshold = node.getFloat("threshold", 0f);
        return (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            Tensor out = Tensor.zeros(x.dtype(), x.shape());
            for (int i = 0; i < x.size(); i++) {
                double v = x.getDouble(i);
                // NaN stays NaN: it is neither above nor at/below the threshold.
                out.setDouble(i, Double.isNaN(v) ? v : v > threshold ? 1 : 0);
            }
            return new Value[] {out};
        };
    }
}
