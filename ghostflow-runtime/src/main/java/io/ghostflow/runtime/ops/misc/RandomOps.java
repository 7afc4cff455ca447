package io.ghostflow.runtime.ops.misc;

import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.SplittableRandom;

/**
 * RandomUniform(Like), RandomNormal(Like) and Bernoulli. With a {@code seed} attribute the
 * stream is reproducible within GhostFlow (not bit-identical to other runtimes' generators).
 */
public final class RandomOps {
    private RandomOps() {
    }

    public static void register(OpRegistry r) {
        r.register("RandomUniform", new int[] {1, 22}, (node, cfg) -> {
            int[] shape = Shapes.toIntShape(node.getInts("shape", new long[0]), node.label() + " shape");
            DType t = DType.fromOnnx((int) node.getInt("dtype", 1));
            SplittableRandom rnd = rng(node);
            double lo = node.getFloat("low", 0f);
            double hi = node.getFloat("high", 1f);
            return (ctx, in) -> new Value[] {fill(t, shape, () -> lo + (hi - lo) * next(rnd))};
        });
        r.register("RandomNormal", new int[] {1, 22}, (node, cfg) -> {
            int[] shape = Shapes.toIntShape(node.getInts("shape", new long[0]), node.label() + " shape");
            DType t = DType.fromOnnx((int) node.getInt("dtype", 1));
            SplittableRandom rnd = rng(node);
            double mean = node.getFloat("mean", 0f);
            double scale = node.getFloat("scale", 1f);
            return (ctx, in) -> new Value[] {fill(t, shape, () -> mean + scale * gaussian(rnd))};
        });
        r.register("RandomUniformLike", new int[] {1, 22}, (node, cfg) -> {
            SplittableRandom rnd = rng(node);
            double lo = node.getFloat("low", 0f);
            double hi = node.getFloat("high", 1f);
            return (ctx, in) -> {
                Tensor x = (Tensor) in[0];
                return new Value[] {fill(dtype(node, x), x.shape(), () -> lo + (hi - lo) * next(rnd))};
            };
        });
        r.register("RandomNormalLike", new int[] {1, 22}, (node, cfg) -> {
            SplittableRandom rnd = rng(node);
            double mean = node.getFloat("mean", 0f);
            double scale = node.getFloat("scale", 1f);
            return (ctx, in) -> {
                Tensor x = (Tensor) in[0];
                return new Value[] {fill(dtype(node, x), x.shape(), () -> mean + scale * gaussian(rnd))};
            };
        });
        r.register("Bernoulli", new int[] {15, 22}, (node, cfg) -> {
            SplittableRandom rnd = rng(node);
            return (ctx, in) -> {
                Tensor p = (Tensor) in[0];
                Tensor out = Tensor.zeros(dtype(node, p), p.shape());
                for (int i = 0; i < p.size(); i++) {
                    out.setDouble(i, next(rnd) < p.getDouble(i) ? 1 : 0);
                }
                return new Value[] {out};
            };
        });
    }

    private static DType dtype(Node node, Tensor like) {
        return node.has("dtype") ? DType.fromOnnx((int) node.getInt("dtype", 1)) : like.dtype();
    }

    private static SplittableRandom rng(Node node) {
        return node.has("seed") ? new SplittableRandom(Float.floatToIntBits(node.getFloat("seed", 0f))) : new SplittableRandom();
    }

    private static synchronized double next(SplittableRandom r) {
        return r.nextDouble();
    }

    private static synchronized double gaussian(SplittableRandom r) {
        // Box-Muller
        double u1 = 1 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static Tensor fill(DType t, int[] shape, java.util.function.DoubleSupplier s) {
        Tensor out = Tensor.zeros(t, shape);
        for (int i = 0; i < out.size(); i++) {
            out.setDouble(i, s.getAsDouble());
        }
        return out;
    }
}
