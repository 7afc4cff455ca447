package io.ghostflow.runtime.ops.training;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.graph.ValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Gradient node differentiates part of the graph that encloses it, which a kernel cannot see.
 * Before compilation this pass gives each Gradient node a private copy of that part, the
 * nodes from its xs/zs inputs to y in topological order, as graph attribute {@link #FORWARD}.
 * The copy's inputs are xs then zs (the Gradient node's own inputs); its outputs are every
 * value its nodes produce, so the kernel can re-run it and read the intermediates that
 * back-propagation needs. Other leaves (graph inputs, initializers) resolve from outer scope.
 */
public final class GradientGraphs {
    /** Attribute holding the forward sub-graph of a Gradient node. */
    public static final String FORWARD = "ghostflow_forward_graph";

    private GradientGraphs() {
    }

    /** Attaches forward sub-graphs to every Gradient node of the model's main graph (in place). */
    public static Model attachForwardGraphs(Model model) {
        Graph g = model.graph();
        for (int i = 0; i < g.nodes().size(); i++) {
            Node n = g.nodes().get(i);
            if ("Gradient".equals(n.opType()) && TrainingOps.DOMAIN.equals(n.domain()) && !n.has(FORWARD)) {
                n.attributes().put(FORWARD, Attribute.of(FORWARD, forwardGraph(g, n)));
            }
        }
        return model;
    }

    static Graph forwardGraph(Graph g, Node grad) {
        List<String> xs = grad.getStrings("xs", null);
        String y = grad.getString("y", null);
        if (xs == null || y == null) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, grad.label() + ": Gradient needs attributes 'xs' and 'y'");
        }
        List<String> zs = grad.getStrings("zs", List.of());
        Set<String> leaves = new HashSet<>(xs);
        leaves.addAll(zs);
        Map<String, Node> producer = new HashMap<>();
        for (Node n : g.nodes()) {
            if (n != grad) {
                n.outputs().forEach(o -> producer.put(o, n));
            }
        }
        List<Node> order = new ArrayList<>();
        visit(y, producer, leaves, new HashSet<>(), order, grad);
        if (!leaves.contains(y) && order.isEmpty() && !isGraphValue(g, y)) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, grad.label() + ": y '" + y + "' is not produced in the graph");
        }
        Map<String, ValueInfo> declared = new HashMap<>(g.valueInfo());
        g.inputs().forEach(v -> declared.put(v.name(), v));
        List<ValueInfo> inputs = new ArrayList<>();
        for (String x : xs) {
            inputs.add(declared.getOrDefault(x, new ValueInfo(x, ValueType.UNKNOWN)));
        }
        for (String z : zs) {
            inputs.add(declared.getOrDefault(z, new ValueInfo(z, ValueType.UNKNOWN)));
        }
        List<ValueInfo> outputs = new ArrayList<>();
        List<Node> copies = new ArrayList<>();
        for (Node n : order) {
            copies.add(new Node(n.name(), n.opType(), n.domain(), n.inputs(), n.outputs(), new LinkedHashMap<>(n.attributes())));
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    outputs.add(new ValueInfo(o, ValueType.UNKNOWN));
                }
            }
        }
        return new Graph(grad.name() + "_forward", copies, inputs, outputs, Map.of(), Map.of());
    }

    private static boolean isGraphValue(Graph g, String name) {
        return g.initializers().containsKey(name) || g.inputs().stream().anyMatch(v -> v.name().equals(name));
    }

    /** Depth-first post-order: every producer before its consumers. */
    private static void visit(String value, Map<String, Node> producer, Set<String> leaves, Set<Node> done,
                              List<Node> order, Node grad) {
        if (leaves.contains(value)) {
            return;
        }
        Node n = producer.get(value);
        if (n == null || done.contains(n)) {
            return;
        }
        done.add(n);
        if (!n.subgraphs().isEmpty()) {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, grad.label()
                    + ": Gradient through control-flow node " + n.label() + " is not implemented");
        }
        for (String in : n.inputs()) {
            if (!in.isEmpty()) {
                visit(in, producer, leaves, done, order, grad);
            }
        }
        order.add(n);
    }
}
