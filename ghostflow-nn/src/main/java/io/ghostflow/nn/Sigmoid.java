package io.ghostflow.nn;

import io.ghostflow.nn.autograd.Activations;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.export.ExportContext;
import io.ghostflow.nn.ops.Ops;
import java.util.List;

/** 1 / (1 + e^-x) element-wise. Exported as Sigmoid. */
public final class Sigmoid extends Module {
    @Override
    public Var forward(Var x) {
        return Activations.sigmoid(x);
    }

    @Override
    public String export(ExportContext ctx, String input) {
        return ctx.node(nodeName(), "Sigmoid", List.of(input), Ops.attrs());
    }
}
