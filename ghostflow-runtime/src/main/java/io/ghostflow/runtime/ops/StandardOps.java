package io.ghostflow.runtime.ops;

/** Registers every built-in operator family. Each family lives in its own package under ops/. */
final class StandardOps {
    private StandardOps() {
    }

    static void registerAll(OpRegistry r) {
        io.ghostflow.runtime.ops.basic.BasicOps.register(r);
        io.ghostflow.runtime.ops.fused.FusedOps.register(r);
    }
}
