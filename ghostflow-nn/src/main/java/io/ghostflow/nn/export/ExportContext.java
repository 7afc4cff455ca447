package io.ghostflow.nn.export;

import io.ghostflow.nn.ops.Ops;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects the nodes and initializers that modules emit while being exported. */
public final class ExportContext {
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    private int opset = Ops.OPSET;

    /** Adds a node named {@code name} whose single output is called {@code name} too; returns that output. */
    public String node(String name, String opType, List<String> inputs, Map<String, Attribute> attrs) {
        nodes.add(new Node(name, opType, "", inputs, List.of(name), attrs));
        return name;
    }

    /** Adds an initializer (a copy, so later training steps do not change an exported model). */
    public String initializer(String name, float[] values, int... shape) {
        initializers.put(name, Tensor.of(values.clone(), shape));
        return name;
    }

    /** Raises the model's opset when a module needs a newer operator (Gelu: 20). */
    public void requireOpset(int version) {
        opset = Math.max(opset, version);
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Map<String, Tensor> initializers() {
        return initializers;
    }

    public int opset() {
        return opset;
    }
}
