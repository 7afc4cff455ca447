package io.ghostflow.nn;

import io.ghostflow.nn.autograd.Shaping;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.export.ExportContext;
import io.ghostflow.nn.ops.Ops;
import java.util.List;

/** [N, ...] -> [N, product of the rest]. Exported as Flatten(axis=1). */
public final class Flatten extends Module {
    @Override
    public Var forward(Var x) {
        expect(x.rank() >= 2, x, "[N, ...] of rank >= 2");
        return Shaping.flatten(x);
    }

    @Override
    public String export(ExportContext ctx, String input) {
        return ctx.node(nodeName(), "Flatten", List.of(input), Ops.attrs("axis", 1));
    }
}
