package io.ghostflow.runtime.ops.math;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/** Min, Max, Sum, Mean over any number of inputs, with broadcasting (folded pairwise). */
public final class VariadicOps {
    private VariadicOps() {
    }

    // NaN propagates as in numpy's minimum/maximum
    static final Broadcasting.Op MIN = new Broadcasting.Op("Min", Math::min, Math::min,
            (a, b, t) -> Broadcasting.compareInts(a, b, t) <= 0 ? a : b);
    static final Broadcasting.Op MAX = new Broadcasting.Op("Max", Math::max, Math::max,
            (a, b, t) -> Broadcasting.compareInts(a, b, t) >= 0 ? a : b);

    public static void register(OpRegistry r) {
        r.register("Min", new int[] {1, 6, 8, 12, 13}, (node, cfg) -> (ctx, in) -> new Value[] {fold(MIN, in)});
        r.register("Max", new int[] {1, 6, 8, 12, 13}, (node, cfg) -> (ctx, in) -> new Value[] {fold(MAX, in)});
        r.register("Sum", new int[] {1, 6, 8, 13}, (node, cfg) -> (ctx, in) -> new Value[] {fold(ArithmeticOps.ADD, in)});
        r.register("Mean", new int[] {1, 6, 8, 13}, (node, cfg) -> (ctx, in) -> {
            Tensor s = fold(ArithmeticOps.ADD, in);
            int n = count(in);
            Tensor div = Broadcasting.fromDoubles(s.dtype(), new double[] {n}, new int[0]);
            return new Value[] {Broadcasting.apply(ArithmeticOps.DIV, s, div)};
        });
    }

    static int count(Value[] in) {
        int n = 0;
        for (Value v : in) {
            if (v != null) {
                n++;
            }
        }
        return n;
    }

    static Tensor fold(Broadcasting.Op op, Value[] in) {
        Tensor acc = null;
        for (Value v : in) {
            if (v == null) {
                continue;
            }
            Tensor t = (Tensor) v;
            acc = acc == null ? t : Broadcasting.apply(op, acc, t);
        }
        if (acc == null) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, op.name() + " needs at least one input");
        }
        if (count(in) == 1 && acc.dtype() != DType.STRING) {
            acc = acc.copy();
        }
        return acc;
    }
}
