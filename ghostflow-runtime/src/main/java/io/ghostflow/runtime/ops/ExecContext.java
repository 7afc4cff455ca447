package io.ghostflow.runtime.ops;

import io.ghostflow.tensor.Value;

/** Per-run context handed to kernels. */
public interface ExecContext {
    /** Intra-op threads to use. */
    int threads();

    /** Looks up a value visible at this point by name (used by nested graphs for captured values). */
    Value lookup(String name);
}
