package io.ghostflow.nn;

import io.ghostflow.nn.autograd.Activations;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.export.ExportContext;
import io.ghostflow.nn.ops.Ops;
import java.util.List;

/** max(x, 0) element-wise. Exported as Relu. */
public final class ReLU extends Module {
    @Override
    public Var forward(Var x) {
        return Activations.relu(x);
    }

    @Override
    public String export(ExportContext ctx, String input) {
        return ctx.node(nodeName(), "Relu", List.of(input), Ops.attrs());
    }
}
