package io.ghostflow.runtime.ops;

import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.tensor.Tensor;

/** What a factory may know when it prepares a kernel. */
public interface OpConfig {
    /** The opset version the model imports for the node's domain. */
    int opset();

    /** The since_version of the registration that matched. */
    int sinceVersion();

    /** Intra-op thread count from the session options. */
    int threads();

    /** The value of input {@code name} when it is a constant initializer, else null (for pre-packing). */
    Tensor constant(String name);

    /** Compiles a nested graph (If/Loop/Scan body) for repeated execution. */
    SubgraphRunner compile(Graph body);
}
