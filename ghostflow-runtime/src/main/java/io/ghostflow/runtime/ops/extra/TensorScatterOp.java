package io.ghostflow.runtime.ops.extra;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * TensorScatter (opset 24): writes {@code update} into a copy of {@code past_cache} along the
 * sequence axis, starting per batch entry (dimension 0) at write_indices[b] (default 0);
 * mode "circular" wraps positions modulo the cache length, "linear" requires them to fit.
 */
final class TensorScatterOp {
    private TensorScatterOp() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        int axisAttr = (int) node.getInt("axis", -2);
        String mode = node.getString("mode", "linear");
        if (!mode.equals("linear") && !mode.equals("circular")) {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "TensorScatter: mode '" + mode + "'");
        }
        boolean circular = mode.equals("circular");
        return (ctx, in) -> {
            Tensor cache = (Tensor) in[0];
            Tensor update = (Tensor) in[1];
            int[] cs = cache.shape();
            int[] us = update.shape();
            int axis = Shapes.axis(axisAttr, cs.length, "TensorScatter");
            if (axis == 0 || us.length != cs.length || update.dtype() != cache.dtype()) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "TensorScatter: update " + Arrays.toString(us)
                        + " does not fit cache " + Arrays.toString(cs) + " on axis " + axis);
            }
            for (int d = 0; d < cs.length; d++) {
                if (d == axis ? us[d] > cs[d] : us[d] != cs[d]) {
                    throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "TensorScatter: update " + Arrays.toString(us)
                            + " does not fit cache " + Arrays.toString(cs) + " in dimension " + d);
                }
            }
            Tensor idx = in.length > 2 ? (Tensor) in[2] : null;
            int batch = cs[0];
            int perBatch = 1;
            for (int d = 1; d < axis; d++) {
                perBatch *= cs[d];
            }
            int inner = 1;
            for (int d = axis + 1; d < cs.length; d++) {
                inner *= cs[d];
            }
            int maxLen = cs[axis];
            int seqLen = us[axis];
            long w = cache.dtype().storageBytes();
            Tensor out = cache.copy();
            MemorySegment src = update.segment();
            MemorySegment dst = out.segment();
            for (int b = 0; b < batch; b++) {
                long start = idx == null ? 0 : idx.getLong(b);
                for (int p = 0; p < perBatch; p++) {
                    long prefix = (long) b * perBatch + p;
                    for (int j = 0; j < seqLen; j++) {
                        long pos = start + j;
                        if (circular) {
                            pos = Math.floorMod(pos, maxLen);
                        } else if (pos < 0 || pos >= maxLen) {
                            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "TensorScatter: write index " + start
                                    + " + update length " + seqLen + " exceeds cache length " + maxLen + " (batch " + b + ")");
                        }
                        long from = (prefix * seqLen + j) * inner;
                        long to = (prefix * maxLen + pos) * inner;
                        MemorySegment.copy(src, from * w, dst, to * w, inner * w);
                    }
                }
            }
            return new Value[] {out};
        };
    }
}
