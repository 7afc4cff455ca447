package io.ghostflow.nn;

import io.ghostflow.nn.autograd.Activations;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.export.ExportContext;
import io.ghostflow.nn.ops.Ops;
import java.util.List;

/** Exact GELU, x * Phi(x). Exported as Gelu, which raises the model's opset to 20. */
public final class GELU extends Module {
    @Override
    public Var forward(Var x) {
        return Activations.gelu(x);
    }

    @Override
    public String export(ExportContext ctx, String input) {
        ctx.requireOpset(Ops.GELU_OPSET);
        return ctx.node(nodeName(), "Gelu", List.of(input), Ops.attrs());
    }
}
