package io.ghostflow.runtime.ops.math;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.kernels.BinaryOp;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpFactory;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/** Binary arithmetic with broadcasting: Add, Sub, Mul, Div, Pow, Mod, BitShift and the bitwise ops. */
public final class ArithmeticOps {
    private ArithmeticOps() {
    }

    static final Broadcasting.Op ADD = new Broadcasting.Op("Add", Float::sum, Double::sum, (a, b, t) -> a + b);
    static final Broadcasting.Op SUB = new Broadcasting.Op("Sub", (a, b) -> a - b, (a, b) -> a - b, (a, b, t) -> a - b);
    static final Broadcasting.Op MUL = new Broadcasting.Op("Mul", (a, b) -> a * b, (a, b) -> a * b, (a, b, t) -> a * b);
    static final Broadcasting.Op DIV = new Broadcasting.Op("Div", (a, b) -> a / b, (a, b) -> a / b, ArithmeticOps::intDiv);

    /** Integer division truncates (as C and ONNX Runtime); division by zero gives 0 (as numpy) instead of trapping. */
    static long intDiv(long a, long b, DType t) {
        if (b == 0) {
            return 0;
        }
        return t == DType.UINT64 ? Long.divideUnsigned(a, b) : a / b;
    }

    public static void register(OpRegistry r) {
        int[] v = {1, 6, 7, 13, 14};
        r.register("Add", v, binary(ADD, BinaryOp.ADD));
        r.register("Sub", v, binary(SUB, BinaryOp.SUB));
        r.register("Mul", v, binary(MUL, BinaryOp.MUL));
        r.register("Div", v, binary(DIV, BinaryOp.DIV));
        r.register("Pow", new int[] {1, 7, 12, 13, 15}, (node, cfg) -> {
            LegacyBroadcast lb = LegacyBroadcast.of(node);
            return (ctx, in) -> new Value[] {pow((Tensor) in[0], lb.align((Tensor) in[0], (Tensor) in[1]))};
        });
        r.register("Mod", new int[] {10, 13}, (node, cfg) -> {
            boolean fmod = node.getInt("fmod", 0) != 0;
            Broadcasting.Op op = fmod
                    ? new Broadcasting.Op("Mod", (a, b) -> a % b, (a, b) -> a % b, (a, b, t) -> b == 0 ? 0 : t == DType.UINT64 ? Long.remainderUnsigned(a, b) : a % b)
                    : new Broadcasting.Op("Mod", (a, b) -> (float) floorMod(a, b), ArithmeticOps::floorMod,
                            (a, b, t) -> b == 0 ? 0 : t == DType.UINT64 ? Long.remainderUnsigned(a, b) : Math.floorMod(a, b));
            return (ctx, in) -> new Value[] {Broadcasting.apply(op, (Tensor) in[0], (Tensor) in[1])};
        });
        r.register("BitShift", 11, (node, cfg) -> {
            String dir = node.getString("direction", "");
            boolean left = switch (dir) {
                case "LEFT" -> true;
                case "RIGHT" -> false;
                default -> throw new GhostFlowException(ErrorCode.INVALID_GRAPH, node.label() + ": attribute 'direction' must be LEFT or RIGHT, is '" + dir + "'");
            };
            // operands are unsigned and zero-extended, so a logical shift of the long is exact before wrapping
            Broadcasting.Op op = new Broadcasting.Op("BitShift", null, null,
                    (a, b, t) -> Long.compareUnsigned(b, 64) >= 0 ? 0 : left ? a << b : a >>> b);
            return (ctx, in) -> new Value[] {Broadcasting.apply(op, (Tensor) in[0], (Tensor) in[1])};
        });
        r.register("BitwiseAnd", 18, binary(new Broadcasting.Op("BitwiseAnd", null, null, (a, b, t) -> a & b)));
        r.register("BitwiseOr", 18, binary(new Broadcasting.Op("BitwiseOr", null, null, (a, b, t) -> a | b)));
        r.register("BitwiseXor", 18, binary(new Broadcasting.Op("BitwiseXor", null, null, (a, b, t) -> a ^ b)));
        r.register("BitwiseNot", 18, (node, cfg) -> (ctx, in) -> new Value[] {
            Unary.apply(new Unary.Op("BitwiseNot", null, a -> ~a), (Tensor) in[0])});
    }

    static double floorMod(double a, double b) {
        double m = a % b;
        return (m != 0 && (m < 0) != (b < 0)) ? m + b : m;
    }

    static OpFactory binary(Broadcasting.Op op) {
        return binary(op, null);
    }

    /** {@code vec} (may be null): the vectorized form used when both operands are FLOAT. */
    static OpFactory binary(Broadcasting.Op op, BinaryOp vec) {
        return (node, cfg) -> {
            LegacyBroadcast lb = LegacyBroadcast.of(node);
            return (ctx, in) -> {
                Tensor a = (Tensor) in[0];
                Tensor b = lb.align(a, (Tensor) in[1]);
                if (vec != null && a.dtype() == DType.FLOAT && b.dtype() == DType.FLOAT) {
                    return new Value[] {Broadcasting.floats(vec, a, b, ctx::floatBuffer)};
                }
                return new Value[] {Broadcasting.apply(op, a, b)};
            };
        };
    }

    /** Pow: result has the base's type; the exponent may be of any numeric type. */
    static Tensor pow(Tensor a, Tensor b) {
        DType t = a.dtype();
        if (t == DType.FLOAT && b.dtype() == DType.FLOAT) {
            return Broadcasting.floats(a, b, (x, y) -> (float) Math.pow(x, y));
        }
        if (t.isFloatingPoint()) {
            Tensor bd = b.dtype() == DType.DOUBLE ? b : Tensor.ofDoubles(b.asDoubles(), b.shape());
            return Broadcasting.doubles(a, bd, t, Math::pow);
        }
        if (t.isInteger()) {
            if (b.dtype().isInteger()) {
                return Broadcasting.longs(a, Tensor.ofLongs(b.asLongs(), b.shape()), t, (x, y, tt) -> ipow(x, y));
            }
            Tensor ad = Tensor.ofDoubles(a.asDoubles(), a.shape());
            Tensor bd = Tensor.ofDoubles(b.asDoubles(), b.shape());
            return Broadcasting.doubles(ad, bd, t, Math::pow);
        }
        throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "Pow on " + t + " tensors");
    }

    /** Integer power by squaring, wrapping like the dtype; negative exponents give 0 except for bases 1 and -1. */
    static long ipow(long base, long exp) {
        if (exp < 0) {
            return base == 1 ? 1 : base == -1 ? ((exp & 1) == 0 ? 1 : -1) : 0;
        }
        long result = 1;
        while (exp > 0) {
            if ((exp & 1) != 0) {
                result *= base;
            }
            base *= base;
            exp >>= 1;
        }
        return result;
    }

    /**
     * Opset 1-6 binary ops broadcast only with {@code broadcast=1}, and then align B with A
     * starting at {@code axis} (default: suffix). Here B is reshaped so that numpy broadcasting does the same.
     */
    record LegacyBroadcast(boolean enabled, long axis, boolean hasAxis) {
        static LegacyBroadcast of(Node node) {
            return new LegacyBroadcast(node.getInt("broadcast", 0) != 0, node.getInt("axis", 0), node.has("axis"));
        }

        Tensor align(Tensor a, Tensor b) {
            if (!enabled || !hasAxis || b.rank() == 0) {
                return b;
            }
            int ax = (int) (axis < 0 ? axis + a.rank() : axis);
            int[] shape = new int[a.rank() - ax];
            java.util.Arrays.fill(shape, 1);
            int[] bs = b.shape();
            System.arraycopy(bs, 0, shape, 0, Math.min(bs.length, shape.length));
            return b.reshape(shape);
        }
    }
}
