package io.ghostflow.nn;

import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.export.ExportContext;
import io.ghostflow.nn.ops.Ops;
import java.util.List;

/** What the 2-D pooling modules share: a square window, stride and padding, the input check and the export. */
abstract class Pool2dModule extends Module {
    final int kernel;
    final int stride;
    final int padding;
    private final String onnxOp;

    Pool2dModule(String onnxOp, int kernel, int stride, int padding) {
        this.onnxOp = onnxOp;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** The pooling itself, on an input already checked to be [N, C, H, W] and large enough. */
    abstract Var pool(Var x);

    @Override
    public final Var forward(Var x) {
        expect(x.rank() == 4 && x.dim(2) + 2 * padding >= kernel && x.dim(3) + 2 * padding >= kernel, x,
                "[N, C, H, W] with H, W >= " + (kernel - 2 * padding));
        return pool(x);
    }

    @Override
    public final String export(ExportContext ctx, String input) {
        return ctx.node(nodeName(), onnxOp, List.of(input), Ops.attrs("kernel_shape", new long[] {kernel, kernel},
                "strides", new long[] {stride, stride}, "pads", new long[] {padding, padding, padding, padding}));
    }
}
