package io.ghostflow.runtime.ops.logic;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.ops.math.Broadcasting;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/** And, Or, Xor, Not on BOOL tensors; IsNaN and IsInf on floating tensors. */
public final class BooleanOps {
    private BooleanOps() {
    }

    public static void register(OpRegistry r) {
        r.register("And", new int[] {1, 7}, (node, cfg) -> (ctx, in) -> new Value[] {logic("And", in, (a, b) -> a && b)});
        r.register("Or", new int[] {1, 7}, (node, cfg) -> (ctx, in) -> new Value[] {logic("Or", in, (a, b) -> a || b)});
        r.register("Xor", new int[] {1, 7}, (node, cfg) -> (ctx, in) -> new Value[] {logic("Xor", in, (a, b) -> a ^ b)});
        r.register("Not", 1, (node, cfg) -> (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            requireBool("Not", x);
            byte[] a = x.bytes();
            byte[] out = new byte[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = (byte) (a[i] == 0 ? 1 : 0);
            }
            return new Value[] {Tensor.ofArray(DType.BOOL, out, x.shape())};
        });
        r.register("IsNaN", new int[] {9, 13, 20}, (node, cfg) -> (ctx, in) -> new Value[] {test((Tensor) in[0], Double::isNaN)});
        r.register("IsInf", new int[] {10, 20}, (node, cfg) -> {
            boolean pos = node.getInt("detect_positive", 1) != 0;
            boolean neg = node.getInt("detect_negative", 1) != 0;
            return (ctx, in) -> new Value[] {test((Tensor) in[0],
                    v -> (pos && v == Double.POSITIVE_INFINITY) || (neg && v == Double.NEGATIVE_INFINITY))};
        });
    }

    interface Bool2 {
        boolean apply(boolean a, boolean b);
    }

    static void requireBool(String op, Tensor t) {
        if (t.dtype() != DType.BOOL) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, op + ": expected BOOL input, got " + t.dtype());
        }
    }

    static Tensor logic(String name, Value[] in, Bool2 f) {
        Tensor a = (Tensor) in[0];
        Tensor b = (Tensor) in[1];
        requireBool(name, a);
        requireBool(name, b);
        return Broadcasting.compare(a, b, name, (x, y) -> f.apply(x != 0, y != 0), (x, y, t) -> f.apply(x != 0, y != 0));
    }

    static Tensor test(Tensor x, java.util.function.DoublePredicate p) {
        int n = x.size();
        byte[] out = new byte[n];
        if (x.dtype().isFloatingPoint()) {
            for (int i = 0; i < n; i++) {
                out[i] = (byte) (p.test(x.getDouble(i)) ? 1 : 0);
            }
        }
        return Tensor.ofArray(DType.BOOL, out, x.shape());
    }
}
