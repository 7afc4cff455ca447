package io.ghostflow.runtime.ops.math;

import io.ghostflow.kernels.VectorMath;
import io.ghostflow.runtime.ops.OpFactory;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/** Single-input math: Neg, Abs, Reciprocal, Sqrt, Exp, Log, Erf, trigonometric and rounding ops. */
public final class UnaryMathOps {
    private UnaryMathOps() {
    }

    public static void register(OpRegistry r) {
        r.register("Neg", new int[] {1, 6, 13}, unary(new Unary.Op("Neg", a -> -a, a -> -a)));
        r.register("Abs", new int[] {1, 6, 13}, unary(new Unary.Op("Abs", Math::abs, Math::abs)));
        r.register("Reciprocal", new int[] {1, 6, 13}, unary(Unary.floatOnly("Reciprocal", a -> 1.0 / a)));
        r.register("Sqrt", new int[] {1, 6, 13}, unary(Unary.floatOnly("Sqrt", Math::sqrt)));
        // FLOAT runs the vectorized polynomials (Exp as the fused softmax does; Erf within 1.5e-7) instead
        // of the double function per element.
        r.register("Exp", new int[] {1, 6, 13}, vector(Unary.floatOnly("Exp", Math::exp), VectorMath::exp));
        r.register("Log", new int[] {1, 6, 13}, unary(Unary.floatOnly("Log", Math::log)));
        Unary.Op erf = new Unary.Op("Erf", Unary::erf, a -> a == 0 ? 0 : a > 0 ? 1 : -1);
        r.register("Erf", new int[] {9, 13}, vector(erf, VectorMath::erf));
        r.register("Sin", 7, unary(Unary.floatOnly("Sin", Math::sin)));
        r.register("Cos", 7, unary(Unary.floatOnly("Cos", Math::cos)));
        r.register("Tan", 7, unary(Unary.floatOnly("Tan", Math::tan)));
        r.register("Asin", 7, unary(Unary.floatOnly("Asin", Math::asin)));
        r.register("Acos", 7, unary(Unary.floatOnly("Acos", Math::acos)));
        r.register("Atan", 7, unary(Unary.floatOnly("Atan", Math::atan)));
        r.register("Sinh", 9, unary(Unary.floatOnly("Sinh", Math::sinh)));
        r.register("Cosh", 9, unary(Unary.floatOnly("Cosh", Math::cosh)));
        r.register("Asinh", 9, unary(Unary.floatOnly("Asinh", a -> Double.isInfinite(a) ? a : Math.log(a + Math.sqrt(a * a + 1)))));
        r.register("Acosh", 9, unary(Unary.floatOnly("Acosh", a -> Math.log(a + Math.sqrt(a * a - 1)))));
        r.register("Atanh", 9, unary(Unary.floatOnly("Atanh", a -> 0.5 * Math.log((1 + a) / (1 - a)))));
        r.register("Floor", new int[] {1, 6, 13}, unary(Unary.floatOnly("Floor", Math::floor)));
        r.register("Ceil", new int[] {1, 6, 13}, unary(Unary.floatOnly("Ceil", Math::ceil)));
        // Math.rint rounds half to even, as ONNX Round requires
        r.register("Round", 11, unary(Unary.floatOnly("Round", Math::rint)));
        r.register("Sign", new int[] {9, 13}, unary(new Unary.Op("Sign", Math::signum, Long::signum)));
    }

    /** An array kernel: y[yOff + i] = f(x[xOff + i]) for i < n. */
    interface FloatKernel {
        void apply(float[] x, int xOff, float[] y, int yOff, int n);
    }

    /** FLOAT tensors through {@code kernel} into the session's buffers; other types through op's functions. */
    static OpFactory vector(Unary.Op op, FloatKernel kernel) {
        return (node, cfg) -> (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            if (x.dtype() != DType.FLOAT) {
                return new Value[] {Unary.apply(op, x)};
            }
            float[] a = x.floats();
            float[] out = ctx.floatBuffer(a.length);
            kernel.apply(a, 0, out, 0, a.length);
            return new Value[] {Tensor.of(out, x.shape())};
        };
    }

    static OpFactory unary(Unary.Op op) {
        return (node, cfg) -> (ctx, in) -> new Value[] {Unary.apply(op, (Tensor) in[0])};
    }
}
