package io.ghostflow.nn;

import io.ghostflow.nn.autograd.Dense;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.export.ExportContext;
import io.ghostflow.nn.ops.Ops;
import java.util.List;
import java.util.SplittableRandom;

/** 2-D convolution on NCHW batches with square kernels, stride and symmetric zero padding. */
public final class Conv2d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final Init init;

    public Conv2d(int inChannels, int outChannels, int kernel) {
        this(inChannels, outChannels, kernel, 1, 0, Init.KAIMING);
    }

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding) {
        this(inChannels, outChannels, kernel, stride, padding, Init.KAIMING);
    }

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, Init init) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.init = init;
        addParameter("weight", outChannels, inChannels, kernel, kernel);
        addParameter("bias", outChannels);
    }

    @Override
    protected void resetParameters(SplittableRandom rng) {
        int k2 = kernel * kernel;
        init.fill(param("weight").data(), inChannels * k2, outChannels * k2, rng);
    }

    @Override
    public Var forward(Var x) {
        requireOwnInit();
        expect(x.rank() == 4 && x.dim(1) == inChannels && x.dim(2) + 2 * padding >= kernel && x.dim(3) + 2 * padding >= kernel,
                x, "[N, " + inChannels + ", H, W] with H, W >= " + (kernel - 2 * padding));
        return Dense.conv2d(x, param("weight"), param("bias"), stride, padding);
    }

    @Override
    public String export(ExportContext ctx, String input) {
        String w = ctx.initializer(scoped("weight"), param("weight").data(), outChannels, inChannels, kernel, kernel);
        String b = ctx.initializer(scoped("bias"), param("bias").data(), outChannels);
        return ctx.node(nodeName(), "Conv", List.of(input, w, b), Ops.attrs("kernel_shape", new long[] {kernel, kernel},
                "strides", new long[] {stride, stride}, "pads", new long[] {padding, padding, padding, padding}));
    }

    @Override
    public String toString() {
        return "Conv2d(" + inChannels + ", " + outChannels + ", k=" + kernel + ", s=" + stride + ", p=" + padding + ")";
    }
}
