package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Structural copy of a model, so that optimizing never changes the caller's graph. Tensors are
 * shared: they are immutable by contract and passes always add new ones instead of editing.
 */
public final class GraphCopy {
    private GraphCopy() {
    }

    public static Model copy(Model m) {
        return new Model(copy(m.graph()), new LinkedHashMap<>(m.opsets()), m.irVersion(), m.producerName(), m.producerVersion(),
                m.metadata(), m.baseDir());
    }

    public static Graph copy(Graph g) {
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            Map<String, Attribute> attrs = new LinkedHashMap<>();
            for (Attribute a : n.attributes().values()) {
                attrs.put(a.name(), copy(a));
            }
            nodes.add(new Node(n.name(), n.opType(), n.domain(), n.inputs(), n.outputs(), attrs));
        }
        return new Graph(g.name(), nodes, g.inputs(), g.outputs(), g.initializers(), g.valueInfo());
    }

    @SuppressWarnings("unchecked")
    private static Attribute copy(Attribute a) {
        if (a.value() instanceof Graph sub) {
            return new Attribute(a.name(), a.type(), copy(sub), a.refName());
        }
        if (a.type() == Attribute.Type.GRAPHS && a.value() instanceof List<?> l) {
            return new Attribute(a.name(), a.type(), ((List<Graph>) l).stream().map(GraphCopy::copy).toList(), a.refName());
        }
        return a;
    }
}
