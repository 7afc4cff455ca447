package io.ghostflow.runtime.graph;

import io.ghostflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A computation graph: nodes in file order (not necessarily topological), declared inputs and
 * outputs, constant initializers and optional type annotations of intermediate values. Nested
 * graphs (If/Loop/Scan bodies) may read values of enclosing graphs by name.
 */
public final class Graph {
    private String name;
    private final List<Node> nodes;
    private final List<ValueInfo> inputs;
    private final List<ValueInfo> outputs;
    private final Map<String, Tensor> initializers;
    private final Map<String, ValueInfo> valueInfo;

    public Graph(String name, List<Node> nodes, List<ValueInfo> inputs, List<ValueInfo> outputs,
                 Map<String, Tensor> initializers, Map<String, ValueInfo> valueInfo) {
        this.name = name == null ? "" : name;
        this.nodes = new ArrayList<>(nodes);
        this.inputs = new ArrayList<>(inputs);
        this.outputs = new ArrayList<>(outputs);
        this.initializers = new LinkedHashMap<>(initializers);
        this.valueInfo = new LinkedHashMap<>(valueInfo);
    }

    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    /** Mutable. */
    public List<Node> nodes() {
        return nodes;
    }

    /** Mutable; may include names that also have initializers (overridable defaults). */
    public List<ValueInfo> inputs() {
        return inputs;
    }

    /** Mutable. */
    public List<ValueInfo> outputs() {
        return outputs;
    }

    /** Mutable. */
    public Map<String, Tensor> initializers() {
        return initializers;
    }

    /** Mutable. */
    public Map<String, ValueInfo> valueInfo() {
        return valueInfo;
    }

    /** Inputs a caller must (or may) feed: declared inputs without an initializer. */
    public List<ValueInfo> requiredInputs() {
        return inputs.stream().filter(i -> !initializers.containsKey(i.name())).toList();
    }

    /** Names defined inside this graph: inputs, initializers and node outputs. */
    public Set<String> definedNames() {
        Set<String> out = new HashSet<>();
        inputs.forEach(i -> out.add(i.name()));
        out.addAll(initializers.keySet());
        for (Node n : nodes) {
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    out.add(o);
                }
            }
        }
        return out;
    }

    /**
     * Names this graph (and its nested graphs) read but does not define: values captured from
     * enclosing scopes.
     */
    public Set<String> freeVariables() {
        Set<String> defined = definedNames();
        Set<String> free = new java.util.LinkedHashSet<>();
        for (Node n : nodes) {
            for (String in : n.inputs()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    free.add(in);
                }
            }
            for (Graph g : n.subgraphs()) {
                for (String f : g.freeVariables()) {
                    if (!defined.contains(f)) {
                        free.add(f);
                    }
                }
            }
        }
        for (ValueInfo o : outputs) {
            if (!defined.contains(o.name())) {
                free.add(o.name());
            }
        }
        return free;
    }

    /** Count of nodes including nested graphs. */
    public int nodeCountDeep() {
        int n = 0;
        for (Node node : nodes) {
            n++;
            for (Graph g : node.subgraphs()) {
                n += g.nodeCountDeep();
            }
        }
        return n;
    }
}
