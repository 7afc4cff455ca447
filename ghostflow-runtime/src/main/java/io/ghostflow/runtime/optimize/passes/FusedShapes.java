package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.runtime.ops.fused.FusedOps;
import io.ghostflow.runtime.shape.SymbolicShapes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Symbolic shapes ({@code [batch, seq, 128]}) of a graph that already holds fused nodes. The
 * symbolic inference knows standard ops only, so each fused node is shown to it as the standard
 * op with the same output shape (FusedMatMul as MatMul, Attention as Q @ V, ...); that is enough
 * to prove two shapes equal when the free dimensions are not fixed.
 */
final class FusedShapes {
    private final Map<String, ValueType> types;

    private FusedShapes(Map<String, ValueType> types) {
        this.types = types;
    }

    static FusedShapes of(Graph g, Map<String, Integer> opsets) {
        List<Node> view = new ArrayList<>(g.nodes().size());
        for (Node n : g.nodes()) {
            view.add(standIn(n));
        }
        Graph shadow = new Graph(g.name(), view, g.inputs(), g.outputs(), g.initializers(), Map.of());
        return new FusedShapes(SymbolicShapes.infer(shadow, opsets));
    }

    /** The shape of {@code value}, or null when not every dim is a known size or a named symbol. */
    List<Dim> shape(String value) {
        ValueType t = types.get(value);
        if (t == null || !t.isTensor() || t.shape() == null) {
            return null;
        }
        for (Dim d : t.shape()) {
            if (!d.isFixed() && d.symbol() == null) {
                return null;
            }
        }
        return t.shape();
    }

    /** True when both values have the same fully known (fixed or symbolic) shape. */
    boolean provablyEqual(String a, String b) {
        List<Dim> sa = shape(a);
        return sa != null && sa.equals(shape(b));
    }

    private static Node standIn(Node n) {
        if (!n.domain().equals(FusedOps.DOMAIN)) {
            return n;
        }
        List<String> in = n.inputs();
        return switch (n.opType()) {
            case "FusedMatMul" -> standard(n, "MatMul", in.subList(0, 2));
            // one weight group: X times its [K, N] weight
            case "DynamicQuantMatMul" -> n.outputs().size() == 1 ? standard(n, "MatMul", in.subList(0, 2)) : n;
            case "FusedConv" -> standard(n, "Conv", in.subList(0, Math.min(3, in.size())));
            case "FusedGemm" -> standard(n, "Gemm", in.subList(0, Math.min(3, in.size())));
            case "LayerNormalization", "Gelu" -> standard(n, "Identity", in.subList(0, 1));
            // softmax(Q @ Kt) @ V has Q's rows and V's columns, the shape MatMul(Q, V) infers
            case "Attention" -> new Node(n.name(), "MatMul", List.of(in.get(0), in.get(2)), n.outputs());
            default -> n;
        };
    }

    private static Node standard(Node n, String op, List<String> inputs) {
        return new Node(n.name(), op, "", new ArrayList<>(inputs), n.outputs(), n.attributes());
    }
}
