package io.ghostflow.nn;

import io.ghostflow.nn.autograd.Norms;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.export.ExportContext;
import io.ghostflow.nn.ops.Ops;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Normalises the last axis (of size {@code features}) with learned scale and shift. Exported as LayerNormalization. */
public final class LayerNorm extends Module {
    private final int features;
    private final float eps;

    public LayerNorm(int features) {
        this(features, 1e-5f);
    }

    public LayerNorm(int features, float eps) {
        this.features = features;
        this.eps = eps;
        addParameter("weight", features);
        addParameter("bias", features);
    }

    @Override
    protected void resetParameters(SplittableRandom rng) {
        Arrays.fill(param("weight").data(), 1f);
        Arrays.fill(param("bias").data(), 0f);
    }

    @Override
    public Var forward(Var x) {
        requireOwnInit();
        expect(x.rank() >= 1 && x.dim(-1) == features, x, "[..., " + features + "]");
        return Norms.layerNorm(x, param("weight"), param("bias"), eps);
    }

    @Override
    public String export(ExportContext ctx, String input) {
        String s = ctx.initializer(scoped("weight"), param("weight").data(), features);
        String b = ctx.initializer(scoped("bias"), param("bias").data(), features);
        return ctx.node(nodeName(), "LayerNormalization", List.of(input, s, b), Ops.attrs("axis", -1, "epsilon", eps));
    }
}
