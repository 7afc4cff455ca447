package io.ghostflow.runtime.ops.tensor;

import io.ghostflow.runtime.ops.OpRegistry;

/** Shape, copy, indexing and rearrangement operators. */
public final class TensorOps {
    private TensorOps() {
    }

    public static void register(OpRegistry r) {
        ShapeOps.register(r);
        CopyOps.register(r);
        GatherOps.register(r);
        LayoutOps.register(r);
        MiscOps.register(r);
        SortOps.register(r);
    }
}
