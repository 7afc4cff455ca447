package io.ghostflow.runtime.ops;

import io.ghostflow.tensor.Value;

/** Per-run context handed to kernels. */
public interface ExecContext {
    /** Intra-op threads to use. */
    int threads();

    /** Looks up a value visible at this point by name (used by nested graphs for captured values). */
    Value lookup(String name);

    /**
     * A float array of exactly {@code n} elements for a kernel's FLOAT output, with UNDEFINED
     * contents (the kernel must write every element). The executor may hand out an array of a
     * value that is dead in this run (the session's buffer pool), so that runs with fixed shapes
     * allocate no output memory; the default allocates.
     */
    default float[] floatBuffer(int n) {
        return new float[n];
    }

    /**
     * Hands back a {@link #floatBuffer} a kernel used as scratch and no value refers to, for the
     * next request of its size (otherwise each run would take a dead value's array and keep it);
     * the default forgets it.
     */
    default void recycleBuffer(float[] a) {
    }
}
