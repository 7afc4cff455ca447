package io.ghostflow.runtime.ops.logic;

import io.ghostflow.runtime.ops.OpRegistry;

/** Registers comparisons, boolean logic, Where and the NaN/Inf tests. */
public final class LogicOps {
    private LogicOps() {
    }

    public static void register(OpRegistry r) {
        ComparisonOps.register(r);
        BooleanOps.register(r);
        WhereOp.register(r);
    }
}
