package io.ghostflow.runtime.ops.fused;

import io.ghostflow.kernels.Conv2d;
import io.ghostflow.kernels.Epilogue;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;

/**
 * A FusedConv(X, W, B?, Z?) whose W (and B) are constants, packed once at session creation. Per
 * run, {@link #bind} checks that the inputs are still that case and returns the convolution for
 * this input shape; the caller chooses where the output goes (FusedConv: a fresh array;
 * ConvConcat: each branch's slice of the concatenation).
 */
final class PackedConv {
    private final Tensor weights;
    private final Tensor bias;
    private final int[] ws;
    private final ConvParams p;
    private final Conv2d packed;
    private final Epilogue base;
    /** The last bound convolution (immutable; a race between runs only rebinds once more). */
    private volatile Conv2d last;

    private PackedConv(Tensor weights, Tensor bias, ConvParams p, Conv2d packed, Epilogue base) {
        this.weights = weights;
        this.bias = bias;
        this.ws = weights.shape();
        this.p = p;
        this.packed = packed;
        this.base = base;
    }

    /** The constant-weight case of {@code node}, or null when W (or B) is not a float constant of the right shape. */
    static PackedConv of(Node node, OpConfig cfg, ConvParams p, Activation act) {
        Tensor cw = cfg.constant(node.input(1));
        if (cw == null || cw.dtype() != DType.FLOAT || cw.rank() != 4 || cw.dim(0) % p.group() != 0) {
            return null;
        }
        Tensor cb = node.hasInput(2) ? cfg.constant(node.input(2)) : null;
        if (node.hasInput(2) && (cb == null || cb.dtype() != DType.FLOAT || cb.size() != cw.dim(0))) {
            return null;
        }
        int[] ws = cw.shape();
        int group = p.group();
        // Strides and dilations are attributes, fixed per node; they choose the kernel (Winograd or not).
        Conv2d packed = Conv2d.prepare(cw.floats(), new Conv2d.Params(1, ws[1] * group, ws[2], ws[3], ws[0], ws[2], ws[3],
                p.strides()[0], p.strides()[1], 0, 0, 0, 0, p.dilations()[0], p.dilations()[1], group));
        Epilogue base = EpilogueKernels.io(act, cb == null ? Epilogue.NONE : Epilogue.NONE.withRowBias(cb.floats().clone(), 0));
        return new PackedConv(cw, cb, p, packed, base);
    }

    /**
     * The convolution for this run's inputs (X, W, B?, Z?), or null when they leave the packed case:
     * a fed weight or bias, a non-float or non-4-D X, an empty output, a residual Z not of the
     * output's exact shape.
     */
    Conv2d bind(Value[] in) {
        return bind(in, 0, in.length);
    }

    /** {@link #bind(Value[])} over in[from, from + count). */
    Conv2d bind(Value[] in, int from, int count) {
        Tensor x = (Tensor) in[from];
        if (x.dtype() != DType.FLOAT) {
            return null;
        }
        return bind(x.shape(), in[from + 1], count > 2 ? in[from + 2] : null, count > 3 ? (Tensor) in[from + 3] : null);
    }

    /**
     * The convolution of a float input of shape xs with this run's weight w, bias b and residual
     * z (null if none), or null when they leave the packed case (see {@link #bind(Value[])}).
     */
    Conv2d bind(int[] xs, Value w, Value b, Tensor z) {
        if (w != weights || (bias != null && b != bias) || xs.length != 4 || xs[1] != ws[1] * p.group()
                || (z != null && z.dtype() != DType.FLOAT)) {
            return null;
        }
        int[] pads = p.padsFor(xs[2], xs[3], ws[2], ws[3]);
        Conv2d.Params q = new Conv2d.Params(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], p.strides()[0],
                p.strides()[1], pads[0], pads[1], pads[2], pads[3], p.dilations()[0], p.dilations()[1], p.group());
        if (q.outH() <= 0 || q.outW() <= 0 || z != null && !Arrays.equals(z.shape(), outputShape(q))) {
            return null;
        }
        Conv2d conv = last;
        if (conv == null || !conv.params().equals(q)) {
            conv = packed.rebind(q);
            last = conv;
        }
        return conv;
    }

    static int[] outputShape(Conv2d.Params q) {
        return new int[] {q.n(), q.outC(), q.outH(), q.outW()};
    }

    /** Bias and activation, plus the residual when given (laid out as the output, planes of ohw). */
    Epilogue epilogue(float[] residual, int ohw) {
        return residual == null ? base : base.withResidual(residual, 0, ohw);
    }
}
