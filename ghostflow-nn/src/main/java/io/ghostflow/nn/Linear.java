package io.ghostflow.nn;

import io.ghostflow.nn.autograd.Dense;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.export.ExportContext;
import io.ghostflow.nn.ops.Ops;
import java.util.List;
import java.util.SplittableRandom;

/** y = x W^T + b on [N, in] batches; weight [out, in] as in PyTorch. Exported as Gemm(transB=1). */
public final class Linear extends Module {
    private final int in;
    private final int out;
    private final Init init;

    public Linear(int in, int out) {
        this(in, out, Init.KAIMING);
    }

    public Linear(int in, int out, Init init) {
        this.in = in;
        this.out = out;
        this.init = init;
        addParameter("weight", out, in);
        addParameter("bias", out);
    }

    @Override
    protected void resetParameters(SplittableRandom rng) {
        init.fill(param("weight").data(), in, out, rng);
    }

    @Override
    public Var forward(Var x) {
        requireOwnInit();
        expect(x.rank() == 2 && x.dim(1) == in, x, "[N, " + in + "]");
        return Dense.linear(x, param("weight"), param("bias"));
    }

    @Override
    public String export(ExportContext ctx, String input) {
        String w = ctx.initializer(scoped("weight"), param("weight").data(), out, in);
        String b = ctx.initializer(scoped("bias"), param("bias").data(), out);
        return ctx.node(nodeName(), "Gemm", List.of(input, w, b), Ops.attrs("transB", 1));
    }

    @Override
    public String toString() {
        return "Linear(" + in + ", " + out + ")";
    }
}
