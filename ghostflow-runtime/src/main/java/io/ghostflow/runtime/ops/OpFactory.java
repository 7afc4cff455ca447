package io.ghostflow.runtime.ops;

import io.ghostflow.runtime.graph.Node;

/** Builds the kernel for one node at session creation. */
@FunctionalInterface
public interface OpFactory {
    OpKernel create(Node node, OpConfig config);
}
