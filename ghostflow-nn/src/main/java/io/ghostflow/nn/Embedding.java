package io.ghostflow.nn;

import io.ghostflow.nn.autograd.Shaping;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.export.ExportContext;
import io.ghostflow.nn.ops.Ops;
import io.ghostflow.tensor.DType;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A lookup table [count, dim]: integer ids [...] -> vectors [..., dim]. Exported as Gather; as
 * the first layer it makes the graph input INT64.
 */
public final class Embedding extends Module {
    private final int count;
    private final int dim;

    public Embedding(int count, int dim) {
        this.count = count;
        this.dim = dim;
        addParameter("weight", count, dim);
    }

    @Override
    protected void resetParameters(SplittableRandom rng) {
        float[] w = param("weight").data();
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Init.gaussian(rng); // N(0, 1), as PyTorch
        }
    }

    @Override
    public DType inputType() {
        return DType.INT64;
    }

    @Override
    public Var forward(Var ids) {
        requireOwnInit();
        return Shaping.embedding(ids, param("weight"), label());
    }

    @Override
    public String export(ExportContext ctx, String input) {
        String w = ctx.initializer(scoped("weight"), param("weight").data(), count, dim);
        return ctx.node(nodeName(), "Gather", List.of(w, input), Ops.attrs("axis", 0));
    }
}
