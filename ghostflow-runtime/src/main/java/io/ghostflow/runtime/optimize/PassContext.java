package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.shape.ShapeInfo;
import java.util.Map;

/**
 * What passes may consult: the model (opset imports, which fusions add their domain to), the
 * registry used to run kernels for constant folding, the session options and the static
 * shapes and types known before running.
 */
public record PassContext(Model model, OpRegistry registry, SessionOptions options, ShapeInfo shapes) {
    /** The domain of GhostFlow's fused operators; importing it at version 1 makes them resolvable. */
    public static final String FUSED_DOMAIN = "io.ghostflow";

    public Map<String, Integer> opsets() {
        return model.opsets();
    }

    /** Called by a fusion that emits a fused op, so the model imports the domain. */
    public void useFusedDomain() {
        model.opsets().putIfAbsent(FUSED_DOMAIN, 1);
    }
}
