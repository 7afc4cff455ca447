package io.ghostflow.runtime.ops.math;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.kernels.Activation;
import io.ghostflow.kernels.VectorMath;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

/** Activation functions with their attribute defaults. */
public final class ActivationOps {
    private ActivationOps() {
    }

    static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    public static void register(OpRegistry r) {
        r.register("Relu", new int[] {1, 6, 13, 14}, (node, cfg) -> {
            Unary.Op op = new Unary.Op("Relu", x -> x > 0 ? x : x == x ? 0 : x, x -> Math.max(x, 0));
            return (ctx, in) -> new Value[] {relu(ctx, (Tensor) in[0], op)};
        });
        vectorAct(r, "LeakyRelu", new int[] {1, 6, 16}, n -> {
            double a = n.getFloat("alpha", 0.01f);
            return x -> x >= 0 ? x : a * x;
        }, n -> Activation.leakyRelu(n.getFloat("alpha", 0.01f)));
        act(r, "Elu", new int[] {1, 6, 22}, n -> {
            double a = n.getFloat("alpha", 1f);
            return x -> x >= 0 ? x : a * (Math.exp(x) - 1);
        });
        act(r, "Selu", new int[] {1, 6, 22}, n -> {
            double a = n.getFloat("alpha", 1.67326319217681884765625f);
            double g = n.getFloat("gamma", 1.05070102214813232421875f);
            return x -> x > 0 ? g * x : g * (a * Math.exp(x) - a);
        });
        act(r, "Celu", new int[] {12}, n -> {
            double a = n.getFloat("alpha", 1f);
            return x -> Math.max(0, x) + Math.min(0, a * (Math.exp(x / a) - 1));
        });
        r.register("Gelu", new int[] {20}, (node, cfg) -> {
            String approx = node.getString("approximate", "none");
            DoubleUnaryOperator f = switch (approx) {
                case "none" -> x -> 0.5 * x * (1 + Unary.erf(x / Math.sqrt(2)));
                case "tanh" -> x -> 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
                default -> throw new GhostFlowException(ErrorCode.INVALID_GRAPH, node.label() + ": attribute 'approximate' must be none or tanh, is '" + approx + "'");
            };
            Unary.Op op = Unary.floatOnly("Gelu", f);
            boolean tanh = approx.equals("tanh");
            // FLOAT takes the vectorized polynomial kernel; the double path serves DOUBLE and the 16-bit floats.
            return (ctx, in) -> {
                Tensor x = (Tensor) in[0];
                return new Value[] {x.dtype() == DType.FLOAT
                        ? io.ghostflow.runtime.ops.fused.Gelu.apply(x, tanh, ctx::floatBuffer, ctx.threads())
                        : Unary.apply(op, x)};
            };
        });
        vectorAct(r, "HardSigmoid", new int[] {1, 6, 22}, n -> {
            double a = n.getFloat("alpha", 0.2f);
            double b = n.getFloat("beta", 0.5f);
            return x -> Math.max(0, Math.min(1, a * x + b));
        }, n -> Activation.hardSigmoid(n.getFloat("alpha", 0.2f), n.getFloat("beta", 0.5f)));
        vectorAct(r, "HardSwish", new int[] {14, 22}, n -> x -> x * Math.max(0, Math.min(1, x / 6 + 0.5)),
                n -> Activation.HARD_SWISH);
        act(r, "Softplus", new int[] {1, 22}, n -> ActivationOps::softplus);
        act(r, "Softsign", new int[] {1, 22}, n -> x -> x / (1 + Math.abs(x)));
        act(r, "Mish", new int[] {18, 22}, n -> x -> x * Math.tanh(softplus(x)));
        act(r, "Swish", new int[] {24}, n -> {
            double a = n.getFloat("alpha", 1f);
            return x -> x * sigmoid(a * x);
        });
        vectorAct(r, "Sigmoid", new int[] {1, 6, 13}, n -> ActivationOps::sigmoid, n -> Activation.SIGMOID);
        vectorAct(r, "Tanh", new int[] {1, 6, 13}, n -> Math::tanh, n -> Activation.TANH);
        act(r, "ThresholdedRelu", new int[] {10, 22}, n -> {
            double a = n.getFloat("alpha", 1f);
            return x -> x > a ? x : 0;
        });
        r.register("Shrink", 9, (node, cfg) -> {
            double bias = node.getFloat("bias", 0f);
            double lambd = node.getFloat("lambd", 0.5f);
            Unary.Op op = new Unary.Op("Shrink", x -> x < -lambd ? x + bias : x > lambd ? x - bias : 0,
                    x -> x < -lambd ? (long) (x + bias) : x > lambd ? (long) (x - bias) : 0);
            return (ctx, in) -> new Value[] {Unary.apply(op, (Tensor) in[0])};
        });
        r.register("PRelu", new int[] {1, 6, 7, 9, 16}, (node, cfg) -> {
            Broadcasting.Op op = new Broadcasting.Op("PRelu", (x, s) -> x < 0 ? x * s : x, (x, s) -> x < 0 ? x * s : x,
                    (x, s, t) -> x < 0 ? x * s : x);
            return (ctx, in) -> {
                Tensor x = (Tensor) in[0];
                Tensor s = (Tensor) in[1];
                Tensor out = Broadcasting.apply(op, x, unidirectionalSlope(x, s));
                return new Value[] {out};
            };
        });
    }

    /**
     * PRelu's slope broadcasts to X. Older exporters give a [C] slope for an [N, C, H, W] input,
     * meaning per channel; numpy would align it with W, so it is reshaped to [C, 1, 1].
     */
    static Tensor unidirectionalSlope(Tensor x, Tensor s) {
        if (s.rank() == 1 && x.rank() > 2 && s.dim(0) == x.dim(1) && s.dim(0) != x.dim(-1) && s.dim(0) != 1) {
            int[] shape = new int[x.rank() - 1];
            java.util.Arrays.fill(shape, 1);
            shape[0] = s.dim(0);
            return s.reshape(shape);
        }
        return s;
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }

    static Tensor relu(io.ghostflow.runtime.ops.ExecContext ctx, Tensor x, Unary.Op op) {
        if (x.dtype() == DType.FLOAT) {
            float[] a = x.floats();
            float[] out = ctx.floatBuffer(a.length);
            for (int i = 0; i < a.length; i++) {
                float v = a[i];
                out[i] = v > 0 ? v : (v != v ? v : 0f);
            }
            return Tensor.of(out, x.shape());
        }
        return Unary.apply(op, x);
    }

    private static void act(OpRegistry r, String name, int[] versions, Function<Node, DoubleUnaryOperator> f) {
        r.register(name, versions, (node, cfg) -> {
            Unary.Op op = Unary.floatOnly(name, f.apply(node));
            return (ctx, in) -> new Value[] {Unary.apply(op, (Tensor) in[0])};
        });
    }

    /**
     * An activation whose FLOAT tensors run {@link VectorMath#activation} (the fused epilogues'
     * vector code; polynomials within the conformance tolerance) into the session's buffers; other
     * floating types take the double function.
     */
    static void vectorAct(OpRegistry r, String name, int[] versions, Function<Node, DoubleUnaryOperator> f,
                          Function<Node, Activation> vector) {
        r.register(name, versions, (node, cfg) -> {
            Activation act = vector.apply(node);
            return UnaryMathOps.vector(Unary.floatOnly(name, f.apply(node)),
                    (x, xOff, y, yOff, n) -> VectorMath.activation(act, x, xOff, y, yOff, n)).create(node, cfg);
        });
    }
}
