package io.ghostflow.nn;

import io.ghostflow.nn.autograd.Activations;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.export.ExportContext;
import io.ghostflow.nn.ops.Ops;
import java.util.List;

/** x for x >= 0, alpha * x below. Exported as LeakyRelu. */
public final class LeakyReLU extends Module {
    private final float alpha;

    public LeakyReLU() {
        this(0.01f);
    }

    public LeakyReLU(float alpha) {
        this.alpha = alpha;
    }

    @Override
    public Var forward(Var x) {
        return Activations.leakyRelu(x, alpha);
    }

    @Override
    public String export(ExportContext ctx, String input) {
        return ctx.node(nodeName(), "LeakyRelu", List.of(input), Ops.attrs("alpha", alpha));
    }
}
