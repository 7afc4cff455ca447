package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.exec.TopologicalOrder;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Producer and consumer lookups for a graph, snapshotted when built. Passes rebuild it after
 * a rewrite rather than keeping it in sync: graphs are small and the code stays obvious.
 */
public final class GraphIndex {
    private final Graph graph;
    private final Map<String, Node> producer = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Set<String> graphInputs = new HashSet<>();

    public GraphIndex(Graph graph) {
        this.graph = graph;
        for (Node n : graph.nodes()) {
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    producer.put(o, n);
                }
            }
            for (String in : TopologicalOrder.uses(n)) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        graph.outputs().forEach(o -> graphOutputs.add(o.name()));
        graph.inputs().forEach(i -> graphInputs.add(i.name()));
    }

    public Graph graph() {
        return graph;
    }

    /** The node producing {@code value}, or null for inputs, initializers and unknown names. */
    public Node producer(String value) {
        return value == null || value.isEmpty() ? null : producer.get(value);
    }

    /** The producer of input {@code i} of {@code n} when it has op type {@code opType}, else null. */
    public Node producerOf(Node n, int i, String opType) {
        Node p = producer(n.input(i));
        return p != null && p.opType().equals(opType) && p.domain().isEmpty() ? p : null;
    }

    public List<Node> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    public boolean isGraphOutput(String value) {
        return graphOutputs.contains(value);
    }

    public boolean isGraphInput(String value) {
        return graphInputs.contains(value);
    }

    /**
     * True when {@code value} is read by exactly one node and is not a graph output, so the
     * node producing it can be merged into that consumer without anyone else losing it.
     */
    public boolean singleUse(String value) {
        return !isGraphOutput(value) && consumers(value).size() == 1;
    }

    /**
     * The constant tensor behind {@code value}: an initializer that callers cannot override, or
     * the output of a Constant node with a {@code value} attribute. Null otherwise.
     */
    public Tensor constant(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        Tensor t = graph.initializers().get(value);
        if (t != null) {
            return graphInputs.contains(value) ? null : t;
        }
        Node p = producer.get(value);
        if (p != null && p.opType().equals("Constant") && p.domain().isEmpty() && p.has("value")) {
            return p.getTensor("value");
        }
        return null;
    }

    /** A scalar (one-element) float constant, or NaN when {@code value} is not one. */
    public double scalar(String value) {
        Tensor t = constant(value);
        if (t == null || t.size() != 1 || !t.dtype().isNumeric()) {
            return Double.NaN;
        }
        return t.getDouble(0);
    }

    /** A name not yet used in the graph, derived from {@code base}. */
    public String freshName(String base) {
        Set<String> used = graph.definedNames();
        String name = base;
        for (int i = 1; used.contains(name) || consumers.containsKey(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /** Renames every read of {@code from} (node inputs and graph outputs kept as they are) to {@code to}. */
    public static void replaceUses(Graph graph, String from, String to) {
        for (Node n : graph.nodes()) {
            List<String> ins = n.inputs();
            for (int i = 0; i < ins.size(); i++) {
                if (ins.get(i).equals(from)) {
                    ins.set(i, to);
                }
            }
            for (Graph sub : n.subgraphs()) {
                if (!sub.definedNames().contains(from)) {
                    replaceUses(sub, from, to);
                }
            }
        }
    }

    /** Declared graph outputs, by name. */
    public static Set<String> outputNames(Graph g) {
        Set<String> s = new HashSet<>();
        for (ValueInfo v : g.outputs()) {
            s.add(v.name());
        }
        return s;
    }
}
