package io.ghostflow.nn;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.nn.autograd.Shaping;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.export.ExportContext;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Inverted dropout in training, identity in eval. Exported as Identity: an inference graph has
 * no use for it, and Identity is what every runtime removes for free.
 */
public final class Dropout extends Module {
    private final float p;
    private SplittableRandom rng = new SplittableRandom(0);

    public Dropout(float p) {
        if (!(p >= 0 && p < 1)) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "dropout probability must be in [0, 1), was " + p);
        }
        this.p = p;
    }

    @Override
    protected void resetParameters(SplittableRandom rng) {
        this.rng = rng.split(); // masks follow the model seed
    }

    @Override
    public Var forward(Var x) {
        return isTraining() && p > 0 ? Shaping.dropout(x, p, rng) : x;
    }

    @Override
    public String export(ExportContext ctx, String input) {
        return ctx.node(nodeName(), "Identity", List.of(input), Map.of());
    }
}
