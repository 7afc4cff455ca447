package io.ghostflow.runtime.batch;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/** Concatenation and splitting along dimension 0: the two copies batching costs. */
public final class TensorStacking {
    private TensorStacking() {
    }

    /** True when {@code a} and {@code b} can share a batch: same dtype and same shape past dimension 0. */
    public static boolean compatible(Tensor a, Tensor b) {
        if (a.dtype() != b.dtype() || a.rank() != b.rank() || a.rank() == 0) {
            return false;
        }
        for (int i = 1; i < a.rank(); i++) {
            if (a.dim(i) != b.dim(i)) {
                return false;
            }
        }
        return true;
    }

    /** Concatenates along dimension 0 into a new heap tensor. */
    public static Tensor concat(List<Tensor> parts) {
        Tensor first = parts.get(0);
        if (parts.size() == 1) {
            return first;
        }
        int rows = 0;
        for (Tensor t : parts) {
            if (!compatible(first, t)) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "cannot stack " + t.dtype() + Arrays.toString(t.shape())
                        + " onto " + first.dtype() + Arrays.toString(first.shape()));
            }
            rows += t.dim(0);
        }
        int[] shape = first.shape();
        shape[0] = rows;
        if (first.dtype() == DType.STRING) {
            String[] all = new String[rows * rowSize(first)];
            int at = 0;
            for (Tensor t : parts) {
                String[] s = t.strings();
                System.arraycopy(s, 0, all, at, s.length);
                at += s.length;
            }
            return Tensor.ofStrings(all, shape);
        }
        Tensor out = Tensor.zeros(first.dtype(), shape);
        MemorySegment dst = out.segment();
        long at = 0;
        for (Tensor t : parts) {
            MemorySegment src = t.segment();
            MemorySegment.copy(src, 0, dst, at, src.byteSize());
            at += src.byteSize();
        }
        return out;
    }

    /** Rows {@code [from, from + count)} of {@code t} as a new heap tensor. */
    public static Tensor slice(Tensor t, int from, int count) {
        if (t.rank() == 0 || from + count > t.dim(0)) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "batched output of shape " + Arrays.toString(t.shape())
                    + " has no rows " + from + ".." + (from + count) + "; does the model keep the batch dimension first?");
        }
        int[] shape = t.shape();
        shape[0] = count;
        if (from == 0 && count == t.dim(0)) {
            return t;
        }
        int row = rowSize(t);
        if (t.dtype() == DType.STRING) {
            return Tensor.ofStrings(Arrays.copyOfRange(t.strings(), from * row, (from + count) * row), shape);
        }
        Tensor out = Tensor.zeros(t.dtype(), shape);
        long rowBytes = (long) row * t.dtype().storageBytes();
        MemorySegment.copy(t.segment(), from * rowBytes, out.segment(), 0, count * rowBytes);
        return out;
    }

    private static int rowSize(Tensor t) {
        int n = 1;
        for (int i = 1; i < t.rank(); i++) {
            n *= t.dim(i);
        }
        return n;
    }
}
