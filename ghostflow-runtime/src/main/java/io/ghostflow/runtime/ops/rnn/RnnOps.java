package io.ghostflow.runtime.ops.rnn;

import io.ghostflow.runtime.ops.OpRegistry;

/** Recurrent operators: RNN, GRU, LSTM. */
public final class RnnOps {
    private RnnOps() {
    }

    public static void register(OpRegistry r) {
        r.register("RNN", new int[] {1, 7, 14, 22}, (n, c) -> Recurrent.create(n, c, Recurrent.Cell.RNN));
        r.register("GRU", new int[] {1, 3, 7, 14, 22}, (n, c) -> Recurrent.create(n, c, Recurrent.Cell.GRU));
        r.register("LSTM", new int[] {1, 7, 14, 22}, (n, c) -> Recurrent.create(n, c, Recurrent.Cell.LSTM));
    }
}
