package io.ghostflow.runtime.shape;

import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.ExecContext;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.ops.SubgraphRunner;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Map;

/**
 * Runs a single node outside any compiled graph, for load-time analysis and folding: one
 * thread, constants from {@code known}, no subgraphs. Returns null when the node has no kernel
 * in the registry or the kernel refuses its inputs.
 */
public final class NodeKernels {
    private NodeKernels() {
    }

    public static Value[] run(Node n, Value[] args, OpRegistry registry, Map<String, Integer> opsets, Map<String, ? extends Value> known) {
        if (!n.subgraphs().isEmpty()) {
            return null;
        }
        try {
            int opset = opsets.getOrDefault(n.domain(), -1);
            OpRegistry.Match m = registry.lookup(n.domain(), n.opType(), opset);
            var kernel = m.factory().create(n, new OpConfig() {
                @Override
                public int opset() {
                    return opset;
                }

                @Override
                public int sinceVersion() {
                    return m.sinceVersion();
                }

                @Override
                public int threads() {
                    return 1;
                }

                @Override
                public Tensor constant(String name) {
                    return known.get(name) instanceof Tensor t ? t : null;
                }

                @Override
                public SubgraphRunner compile(Graph body) {
                    throw new UnsupportedOperationException("no subgraphs outside a compiled graph");
                }
            });
            return kernel.run(CONTEXT, args);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static final ExecContext CONTEXT = new ExecContext() {
        @Override
        public int threads() {
            return 1;
        }

        @Override
        public Value lookup(String name) {
            return null;
        }
    };
}
