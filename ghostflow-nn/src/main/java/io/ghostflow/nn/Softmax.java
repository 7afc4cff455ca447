package io.ghostflow.nn;

import io.ghostflow.nn.autograd.Activations;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.export.ExportContext;
import io.ghostflow.nn.ops.Ops;
import java.util.List;

/** Softmax over the last axis. Exported as Softmax. */
public final class Softmax extends Module {
    @Override
    public Var forward(Var x) {
        return Activations.softmax(x);
    }

    @Override
    public String export(ExportContext ctx, String input) {
        return ctx.node(nodeName(), "Softmax", List.of(input), Ops.attrs("axis", -1));
    }
}
