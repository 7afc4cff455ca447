package io.ghostflow.nn;

import io.ghostflow.nn.autograd.Activations;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.export.ExportContext;
import io.ghostflow.nn.ops.Ops;
import java.util.List;

/** Hyperbolic tangent element-wise. Exported as Tanh. */
public final class Tanh extends Module {
    @Override
    public Var forward(Var x) {
        return Activations.tanh(x);
    }

    @Override
    public String export(ExportContext ctx, String input) {
        return ctx.node(nodeName(), "Tanh", List.of(input), Ops.attrs());
    }
}
