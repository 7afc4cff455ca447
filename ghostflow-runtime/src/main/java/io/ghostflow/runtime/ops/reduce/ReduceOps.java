package io.ghostflow.runtime.ops.reduce;

import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpFactory;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/**
 * Reduce* ops. Axes are an attribute up to ReduceSum-11 / other Reduce*-13 and an optional
 * input afterwards (ReduceSum since 13, the rest since 18), where {@code noop_with_empty_axes}
 * decides whether no axes means "all" or "none".
 */
public final class ReduceOps {
    private ReduceOps() {
    }

    public static void register(OpRegistry r) {
        r.register("ReduceSum", new int[] {1, 11, 13}, factory(Reduction.Kind.SUM, 13));
        r.register("ReduceMean", new int[] {1, 11, 13, 18}, factory(Reduction.Kind.MEAN, 18));
        r.register("ReduceMax", new int[] {1, 11, 12, 13, 18, 20}, factory(Reduction.Kind.MAX, 18));
        r.register("ReduceMin", new int[] {1, 11, 12, 13, 18, 20}, factory(Reduction.Kind.MIN, 18));
        r.register("ReduceProd", new int[] {1, 11, 13, 18}, factory(Reduction.Kind.PROD, 18));
        r.register("ReduceL1", new int[] {1, 11, 13, 18}, factory(Reduction.Kind.L1, 18));
        r.register("ReduceL2", new int[] {1, 11, 13, 18}, factory(Reduction.Kind.L2, 18));
        r.register("ReduceLogSum", new int[] {1, 11, 13, 18}, factory(Reduction.Kind.LOG_SUM, 18));
        r.register("ReduceLogSumExp", new int[] {1, 11, 13, 18}, factory(Reduction.Kind.LOG_SUM_EXP, 18));
        r.register("ReduceSumSquare", new int[] {1, 11, 13, 18}, factory(Reduction.Kind.SUM_SQUARE, 18));
        ArgOps.register(r);
        CumOps.register(r);
    }

    static OpFactory factory(Reduction.Kind kind, int axesInputSince) {
        return (Node node, io.ghostflow.runtime.ops.OpConfig cfg) -> {
            boolean keep = node.getInt("keepdims", 1) != 0;
            boolean noop = node.getInt("noop_with_empty_axes", 0) != 0;
            boolean axesInput = cfg.sinceVersion() >= axesInputSince;
            long[] attrAxes = node.getInts("axes", null);
            return (ctx, in) -> {
                Tensor x = (Tensor) in[0];
                long[] axes = attrAxes;
                if (axesInput) {
                    Tensor a = in.length > 1 ? (Tensor) in[1] : null;
                    axes = a == null ? null : a.asLongs();
                }
                if (axes == null || axes.length == 0) {
                    if (axesInput && noop) {
                        return new Value[] {x};
                    }
                    axes = null;
                }
                boolean[] reduced = new boolean[x.rank()];
                if (axes == null) {
                    java.util.Arrays.fill(reduced, true);
                } else {
                    for (long ax : axes) {
                        reduced[Shapes.axis((int) ax, x.rank(), node.label() + " axes")] = true;
                    }
                }
                return new Value[] {Reduction.reduce(kind, x, reduced, keep)};
            };
        };
    }
}
