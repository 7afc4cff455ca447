package io.ghostflow.runtime.exec;

import io.ghostflow.runtime.graph.Node;
import io.ghostflow.tensor.Value;

/** Observes each executed node (profiling, debugging). Called on the executing thread. */
@FunctionalInterface
public interface NodeListener {
    void onNode(Node node, long startNanos, long durationNanos, Value[] inputs, Value[] outputs);
}
