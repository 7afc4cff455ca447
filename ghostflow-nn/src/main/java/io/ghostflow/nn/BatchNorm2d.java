package io.ghostflow.nn;

import io.ghostflow.nn.autograd.Norms;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.export.ExportContext;
import io.ghostflow.nn.ops.Ops;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batch normalisation over channels of NCHW batches. Training normalises with batch
 * statistics and updates the running ones; eval uses the running ones. Exported as
 * BatchNormalization (not folded), so the optimizer can fold it into the preceding Conv.
 */
public final class BatchNorm2d extends Module {
    private final int channels;
    private final float eps;
    private final float momentum;

    public BatchNorm2d(int channels) {
        this(channels, 1e-5f, 0.1f);
    }

    /** @param momentum weight of each new batch in the running statistics (PyTorch convention) */
    public BatchNorm2d(int channels, float eps, float momentum) {
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        addParameter("weight", channels);
        addParameter("bias", channels);
        addBuffer("running_mean", new float[channels], channels);
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        addBuffer("running_var", ones, channels);
    }

    @Override
    protected void resetParameters(SplittableRandom rng) {
        Arrays.fill(param("weight").data(), 1f);
        Arrays.fill(param("bias").data(), 0f);
        Arrays.fill(buffer("running_mean").data(), 0f);
        Arrays.fill(buffer("running_var").data(), 1f);
    }

    @Override
    public Var forward(Var x) {
        requireOwnInit();
        expect(x.rank() == 4 && x.dim(1) == channels, x, "[N, " + channels + ", H, W]");
        if (isTraining()) {
            return Norms.batchNormTrain(x, param("weight"), param("bias"), buffer("running_mean").data(),
                    buffer("running_var").data(), momentum, eps);
        }
        return Norms.batchNorm(x, param("weight"), param("bias"), buffer("running_mean").data(), buffer("running_var").data(), eps);
    }

    @Override
    public String export(ExportContext ctx, String input) {
        String s = ctx.initializer(scoped("weight"), param("weight").data(), channels);
        String b = ctx.initializer(scoped("bias"), param("bias").data(), channels);
        String m = ctx.initializer(scoped("running_mean"), buffer("running_mean").data(), channels);
        String v = ctx.initializer(scoped("running_var"), buffer("running_var").data(), channels);
        // ONNX momentum weighs the old running value: 1 - PyTorch's
        return ctx.node(nodeName(), "BatchNormalization", List.of(input, s, b, m, v), Ops.attrs("epsilon", eps, "momentum", 1 - momentum));
    }

    @Override
    public String toString() {
        return "BatchNorm2d(" + channels + ")";
    }
}
