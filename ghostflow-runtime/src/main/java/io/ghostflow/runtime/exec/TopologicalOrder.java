package io.ghostflow.runtime.exec;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders nodes so that every value is produced before it is read (Kahn's algorithm, stable with
 * respect to file order). Reports cycles and values nobody defines as INVALID_GRAPH.
 */
public final class TopologicalOrder {
    private TopologicalOrder() {
    }

    /**
     * @param available names defined before any node runs: graph inputs, initializers and
     *                  values visible from enclosing graphs
     */
    public static List<Node> sort(Graph graph, Set<String> available) {
        List<Node> nodes = graph.nodes();
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String o : nodes.get(i).outputs()) {
                if (o.isEmpty()) {
                    continue;
                }
                Integer prev = producer.put(o, i);
                if (prev != null) {
                    throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "value '" + o + "' is produced by both "
                            + nodes.get(prev).label() + " and " + nodes.get(i).label());
                }
            }
        }
        int[] pending = new int[nodes.size()];
        List<List<Integer>> consumers = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            consumers.add(new ArrayList<>());
        }
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            for (String in : uses(n)) {
                Integer p = producer.get(in);
                if (p != null) {
                    pending[i]++;
                    consumers.get(p).add(i);
                } else if (!available.contains(in)) {
                    throw new GhostFlowException(ErrorCode.INVALID_GRAPH,
                            n.label() + " reads '" + in + "', which no node, input or initializer defines");
                }
            }
        }
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<Node> order = new ArrayList<>(nodes.size());
        // A priority by file index keeps the order stable and close to what exporters wrote.
        java.util.PriorityQueue<Integer> queue = new java.util.PriorityQueue<>(ready);
        while (!queue.isEmpty()) {
            int i = queue.poll();
            order.add(nodes.get(i));
            for (int c : consumers.get(i)) {
                if (--pending[c] == 0) {
                    queue.add(c);
                }
            }
        }
        if (order.size() != nodes.size()) {
            for (int i = 0; i < nodes.size(); i++) {
                if (pending[i] > 0) {
                    throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "the graph has a cycle through " + nodes.get(i).label());
                }
            }
        }
        return order;
    }

    /** Every name a node reads: its inputs plus values its nested graphs capture. */
    public static List<String> uses(Node n) {
        List<String> out = new ArrayList<>();
        for (String in : n.inputs()) {
            if (!in.isEmpty()) {
                out.add(in);
            }
        }
        for (Graph g : n.subgraphs()) {
            out.addAll(g.freeVariables());
        }
        return out;
    }
}
