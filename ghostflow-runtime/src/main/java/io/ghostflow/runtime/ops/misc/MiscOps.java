package io.ghostflow.runtime.ops.misc;

import io.ghostflow.runtime.ops.OpRegistry;

/** Registers Cast, losses, signal processing and random generators. */
public final class MiscOps {
    private MiscOps() {
    }

    public static void register(OpRegistry r) {
        CastOps.register(r);
        LossOps.register(r);
        SignalOps.register(r);
        RandomOps.register(r);
    }
}
