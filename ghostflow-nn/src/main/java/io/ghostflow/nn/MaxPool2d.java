package io.ghostflow.nn;

import io.ghostflow.nn.autograd.Pooling;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.export.ExportContext;
import io.ghostflow.nn.ops.Ops;
import java.util.List;

/** 2-D max pooling over square windows. Exported as MaxPool. */
public final class MaxPool2d extends Module {
    private final int kernel;
    private final int stride;
    private final int padding;

    /** Window {@code kernel}, stride equal to the window, no padding. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    public MaxPool2d(int kernel, int stride, int padding) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public Var forward(Var x) {
        expect(x.rank() == 4 && x.dim(2) + 2 * padding >= kernel && x.dim(3) + 2 * padding >= kernel, x,
                "[N, C, H, W] with H, W >= " + (kernel - 2 * padding));
        return Pooling.maxPool(x, kernel, stride, padding);
    }

    @Override
    public String export(ExportContext ctx, String input) {
        return ctx.node(nodeName(), "MaxPool", List.of(input), Ops.attrs("kernel_shape", new long[] {kernel, kernel},
                "strides", new long[] {stride, stride}, "pads", new long[] {padding, padding, padding, padding}));
    }
}
