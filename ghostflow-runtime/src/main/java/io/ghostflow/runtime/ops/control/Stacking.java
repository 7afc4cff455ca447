package io.ghostflow.runtime.ops.control;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.runtime.ops.tensor.CopyOps;
import io.ghostflow.runtime.ops.tensor.GatherOps;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.List;

/** Slicing scan inputs into per-iteration pieces and stacking per-iteration outputs back. */
public final class Stacking {
    private Stacking() {
    }

    /** x with index {@code i} taken along {@code axis} (that axis removed). */
    public static Tensor take(Tensor x, int axis, int i) {
        return GatherOps.gather(x, Tensor.ofLongs(new long[] {i}), axis);
    }

    /** Stacks equally shaped tensors along a new {@code axis}. */
    public static Tensor stack(List<Tensor> parts, int axis, ValueType declared) {
        if (parts.isEmpty()) {
            return emptyStack(declared, axis);
        }
        int[] s = parts.get(0).shape();
        if (axis < 0) {
            axis += s.length + 1;
        }
        Tensor[] ts = new Tensor[parts.size()];
        for (int i = 0; i < ts.length; i++) {
            Tensor p = parts.get(i);
            if (!java.util.Arrays.equals(p.shape(), s)) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "cannot stack iteration outputs of shapes "
                        + java.util.Arrays.toString(s) + " and " + java.util.Arrays.toString(p.shape()));
            }
            int[] u = new int[s.length + 1];
            for (int d = 0, k = 0; d < u.length; d++) {
                u[d] = d == axis ? 1 : s[k++];
            }
            ts[i] = p.reshape(u);
        }
        return CopyOps.concat(ts, axis);
    }

    /** A zero-length stack; its other dims come from the declared body output type when known. */
    static Tensor emptyStack(ValueType declared, int axis) {
        DType d = declared != null && declared.elementType() != null ? declared.elementType() : DType.FLOAT;
        int[] shape;
        if (declared != null && declared.shape() != null) {
            List<Dim> dims = declared.shape();
            shape = new int[dims.size() + 1];
            for (int i = 0, k = 0; i < shape.length; i++) {
                shape[i] = i == Math.max(axis, 0) ? 0 : dimOr0(dims.get(k++));
            }
        } else {
            shape = new int[] {0};
        }
        return Tensor.zeros(d, shape);
    }

    private static int dimOr0(Dim d) {
        return d.isFixed() ? (int) d.value() : 0;
    }

    static Tensor tensor(Value v, String what) {
        if (v instanceof Tensor t) {
            return t;
        }
        throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, what + " must be a tensor");
    }
}
