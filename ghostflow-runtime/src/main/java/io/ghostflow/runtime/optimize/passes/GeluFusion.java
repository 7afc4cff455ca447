package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.FusedOps;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;
import io.ghostflow.runtime.optimize.Rewrites;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GELU written out by exporters becomes one GhostFlow Gelu: the erf form
 * {@code 0.5 * x * (1 + Erf(x / sqrt 2))} and the tanh form
 * {@code 0.5 * x * (1 + Tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))}, with the 0.5 applied to x
 * first or to the product last.
 */
public final class GeluFusion extends LoopPass {
    private static final double SQRT2 = Math.sqrt(2);
    private static final double TANH_C = Math.sqrt(2 / Math.PI);

    @Override
    public String name() {
        return "gelu-fusion";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node n, PassContext ctx) {
        List<Node> chain = new ArrayList<>();
        String x;
        String approx;
        if (Fused.is(n, "Erf")) {
            Node scale = idx.producer(n.input(0));
            if (scale == null || !idx.singleUse(n.input(0))) {
                return false;
            }
            if (Fused.is(scale, "Div") && Near.is(idx.scalar(scale.input(1)), SQRT2)) {
                x = scale.input(0);
            } else if (Fused.is(scale, "Mul") && Near.is(idx.scalar(scale.input(1)), 1 / SQRT2)) {
                x = scale.input(0);
            } else if (Fused.is(scale, "Mul") && Near.is(idx.scalar(scale.input(0)), 1 / SQRT2)) {
                x = scale.input(1);
            } else {
                return false;
            }
            chain.add(scale);
            approx = "none";
        } else if (Fused.is(n, "Tanh")) {
            Node scale = idx.producer(n.input(0));
            if (!Fused.is(scale, "Mul") || !idx.singleUse(n.input(0))) {
                return false;
            }
            int ci = Near.is(idx.scalar(scale.input(1)), TANH_C) ? 1 : Near.is(idx.scalar(scale.input(0)), TANH_C) ? 0 : -1;
            if (ci < 0) {
                return false;
            }
            Node inner = idx.producer(scale.input(1 - ci));
            if (!Fused.is(inner, "Add") || !idx.singleUse(inner.output(0))) {
                return false;
            }
            x = null;
            for (int s = 0; s < 2 && x == null; s++) {
                Node cube = idx.producer(inner.input(1 - s));
                if (!Fused.is(cube, "Mul") || !idx.singleUse(inner.input(1 - s))) {
                    continue;
                }
                int k = Near.is(idx.scalar(cube.input(1)), 0.044715) ? 1 : Near.is(idx.scalar(cube.input(0)), 0.044715) ? 0 : -1;
                if (k < 0) {
                    continue;
                }
                Node pow = idx.producer(cube.input(1 - k));
                if (Fused.is(pow, "Pow") && Near.is(idx.scalar(pow.input(1)), 3) && pow.input(0).equals(inner.input(s))
                        && idx.singleUse(pow.output(0))) {
                    x = inner.input(s);
                    chain.addAll(List.of(pow, cube, inner, scale));
                }
            }
            if (x == null) {
                return false;
            }
            approx = "tanh";
        } else {
            return false;
        }
        chain.add(n);
        if (Fused.notFloat(ctx, x)) {
            return false;
        }
        // tail: Add(t, 1) then Mul with x and 0.5 in either order
        Node plus = LayerNormFusion.single(idx, n, "Add");
        if (plus == null || !Near.is(idx.scalar(plus.input(plus.input(0).equals(n.output(0)) ? 1 : 0)), 1)) {
            return false;
        }
        chain.add(plus);
        Node mul = LayerNormFusion.single(idx, plus, "Mul");
        if (mul == null) {
            return false;
        }
        String other = mul.input(0).equals(plus.output(0)) ? mul.input(1) : mul.input(0);
        chain.add(mul);
        String out;
        if (other.equals(x)) {
            Node half = LayerNormFusion.single(idx, mul, "Mul");
            if (half == null || !Near.is(idx.scalar(half.input(half.input(0).equals(mul.output(0)) ? 1 : 0)), 0.5)) {
                return false;
            }
            chain.add(half);
            out = half.output(0);
        } else {
            Node half = idx.producer(other);
            if (!Fused.is(half, "Mul") || !idx.singleUse(other)) {
                return false;
            }
            int k = Near.is(idx.scalar(half.input(1)), 0.5) ? 1 : Near.is(idx.scalar(half.input(0)), 0.5) ? 0 : -1;
            if (k < 0 || !half.input(1 - k).equals(x)) {
                return false;
            }
            chain.add(half);
            out = mul.output(0);
        }
        for (Node c : chain) {
            if (!c.output(0).equals(out) && idx.isGraphOutput(c.output(0))) {
                return false;
            }
        }
        Node gelu = new Node(n.name(), "Gelu", FusedOps.DOMAIN, List.of(x), List.of(out),
                Map.of("approximate", Attribute.of("approximate", approx)));
        ctx.useFusedDomain();
        Rewrites.replaceChain(g, chain, gelu);
        return true;
    }
}
