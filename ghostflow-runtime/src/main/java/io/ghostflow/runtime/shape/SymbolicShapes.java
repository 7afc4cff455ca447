package io.ghostflow.runtime.shape;

import io.ghostflow.runtime.exec.TopologicalOrder;
import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Static type and shape inference with symbolic dimensions: {@code [batch, 3, 224, 224]} flows
 * through Conv, pooling, MatMul, Reshape and friends as {@code [batch, 64, 112, 112]} and so on.
 * Small integer vectors (what {@code Shape -> Gather -> Unsqueeze -> Concat} computes in
 * transformer exports) are tracked as lists of symbolic dims, so a Reshape fed by such
 * arithmetic still gets a symbolic output shape. Ops without a rule get an unknown shape (and,
 * where the rule says so, a known element type); nothing here is needed to run a model.
 */
public final class SymbolicShapes {
    /** Inferred facts about one value: its type and, for small int vectors, its symbolic contents. */
    record Fact(ValueType type, List<Object> value) {
    }

    private final Map<String, Fact> facts = new HashMap<>();
    private final Map<String, Integer> opsets;

    private SymbolicShapes(Map<String, Integer> opsets) {
        this.opsets = opsets;
    }

    /** Inferred types of every value of {@code graph} (inputs, initializers, node outputs). */
    public static Map<String, ValueType> infer(Graph graph, Map<String, Integer> opsets) {
        SymbolicShapes s = new SymbolicShapes(opsets);
        for (ValueInfo in : graph.inputs()) {
            s.facts.put(in.name(), new Fact(in.type(), null));
        }
        graph.initializers().forEach((k, t) -> s.facts.put(k, new Fact(ValueType.tensor(t.dtype(), dims(t.shape())), constantVector(t))));
        Set<String> available = new HashSet<>(s.facts.keySet());
        for (Node n : TopologicalOrder.sort(graph, available)) {
            List<Fact> outs;
            try {
                outs = ShapeRules.apply(n, s);
            } catch (RuntimeException e) {
                outs = List.of(); // a malformed node is reported when its kernel is built, not here
            }
            for (int i = 0; i < n.outputs().size(); i++) {
                String o = n.output(i);
                if (!o.isEmpty()) {
                    s.facts.put(o, i < outs.size() && outs.get(i) != null ? outs.get(i) : new Fact(ValueType.UNKNOWN, null));
                }
            }
        }
        Map<String, ValueType> out = new HashMap<>();
        s.facts.forEach((k, f) -> out.put(k, f.type()));
        return out;
    }

    // ---------------------------------------------------------------- accessors for rules

    int opset(Node n) {
        return opsets.getOrDefault(n.domain(), -1);
    }

    ValueType type(String name) {
        Fact f = name.isEmpty() ? null : facts.get(name);
        return f == null ? ValueType.UNKNOWN : f.type();
    }

    /** Shape of an input, or null when unknown. */
    List<Dim> shape(Node n, int i) {
        ValueType t = type(n.input(i));
        return t.kind() == ValueType.Kind.TENSOR ? t.shape() : null;
    }

    DType elem(Node n, int i) {
        ValueType t = type(n.input(i));
        return t.kind() == ValueType.Kind.TENSOR ? t.elementType() : null;
    }

    /**
     * Symbolic contents of a small integer input (a shape vector), or null. Entries are Long
     * (known), String (a symbolic dimension name) or null (unknown).
     */
    List<Object> value(Node n, int i) {
        Fact f = n.input(i).isEmpty() ? null : facts.get(n.input(i));
        return f == null ? null : f.value();
    }


    // ---------------------------------------------------------------- helpers

    static List<Dim> dims(int[] shape) {
        List<Dim> out = new ArrayList<>(shape.length);
        for (int d : shape) {
            out.add(Dim.of(d));
        }
        return out;
    }

    /** The contents of a small 0-D/1-D integer tensor, for shape arithmetic. */
    static List<Object> constantVector(Tensor t) {
        if (t == null || !(t.dtype() == DType.INT64 || t.dtype() == DType.INT32) || t.rank() > 1 || t.size() > 16) {
            return null;
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            out.add(t.getLong(i));
        }
        return out;
    }

    /** A shape dim as a shape-vector entry. */
    static Object entry(Dim d) {
        return d.isFixed() ? (Object) d.value() : d.symbol();
    }

    /** A shape-vector entry as a dim (negative or unknown entries become unknown dims). */
    static Dim dim(Object e) {
        if (e instanceof Long l && l >= 0) {
            return Dim.of(l);
        }
        return e instanceof String s ? Dim.symbolic(s) : Dim.UNKNOWN;
    }

    static Fact tensor(DType type, List<Dim> shape) {
        return new Fact(ValueType.tensor(type, shape), null);
    }

    static Fact tensorWithValue(DType type, List<Dim> shape, List<Object> value) {
        return new Fact(ValueType.tensor(type, shape), value);
    }
}
