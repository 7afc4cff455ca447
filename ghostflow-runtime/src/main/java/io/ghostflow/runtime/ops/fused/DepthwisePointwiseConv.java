package io.ghostflow.runtime.ops.fused;

import io.ghostflow.kernels.Conv2d;
import io.ghostflow.kernels.DepthwisePointwise;
import io.ghostflow.kernels.Epilogue;
import io.ghostflow.kernels.ScratchFloats;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.tensor.Data;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code DepthwisePointwiseConv(X, Wd, Bd, Wp, Bp, Z?)}: a depthwise FusedConv (X, Wd, Bd) whose
 * output only the pointwise FusedConv (that output, Wp, Bp, Z?) reads, as one node that computes
 * the pair band of rows by band of rows ({@link DepthwisePointwise}), so the depthwise output
 * never leaves L2 (when its output outgrows L2; smaller ones run apart through a scratch array).
 * The two convolutions' attributes are stored with the prefixes {@code d_} and {@code p_}; B may
 * be the empty name. Every output is the two nodes', bit for bit; runs that leave the
 * constant-weight case run their general kernels one after the other.
 */
public final class DepthwisePointwiseConv {
    public static final String DEPTHWISE = "d_";
    public static final String POINTWISE = "p_";

    /** The depthwise output when the pair runs apart (per thread, reused from run to run). */
    private static final ScratchFloats MID = new ScratchFloats(1);

    private DepthwisePointwiseConv() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        if (node.inputs().size() < 5 || node.inputs().size() > 6 || node.outputs().size() != 1) {
            throw Data.badGraph(node.label() + ": DepthwisePointwiseConv takes X, Wd, Bd, Wp, Bp and an optional Z, and has"
                    + " one output; got " + node.inputs().size() + " inputs and " + node.outputs().size() + " outputs");
        }
        Node d = depthwise(node);
        Node p = pointwise(node);
        PackedConv dw = PackedConv.of(d, cfg, ConvParams.from(d), Activation.from(d));
        PackedConv pw = PackedConv.of(p, cfg, ConvParams.from(p), Activation.from(p));
        OpKernel separate = FusedOps.onFirstUse(() -> separately(d, p, cfg));
        if (dw == null || pw == null) {
            return separate;
        }
        return (ctx, in) -> {
            Conv2d convD = dw.bind(in, 0, 3);
            if (convD == null) {
                return separate.run(ctx, in);
            }
            Conv2d.Params q = convD.params();
            Tensor z = in.length > 5 ? (Tensor) in[5] : null;
            Conv2d convP = pw.bind(new int[] {q.n(), q.outC(), q.outH(), q.outW()}, in[3], in[4], z);
            if (convP == null) {
                return separate.run(ctx, in);
            }
            int[] os = PackedConv.outputShape(convP.params());
            int ohw = os[2] * os[3];
            float[] x = ((Tensor) in[0]).floats();
            float[] zv = z == null ? null : z.floats();
            float[] y = ctx.floatBuffer(os[0] * os[1] * ohw);
            // A fresh array when the pool handed out an input's own storage (read while writing).
            if (y == x || y == zv) {
                y = new float[y.length];
            }
            run(convD, dw.epilogue(null, 0), convP, pw.epilogue(zv, ohw), x, y, ctx.threads());
            return new Value[] {Tensor.of(y, os)};
        };
    }

    /** y = pwEpi(convP(dwEpi(convD(x)))), bound convolutions that chain: in bands when the pair suits, else apart. */
    static void run(Conv2d convD, Epilogue dwEpi, Conv2d convP, Epilogue pwEpi, float[] x, float[] y, int threads) {
        if (DepthwisePointwise.suits(convD, dwEpi, convP)) {
            DepthwisePointwise.run(convD, dwEpi, convP, pwEpi, x, y, threads);
        } else {
            // Depthwise outputs that fit L2 (and other kernels): the two convolutions apart, the
            // intermediate in per-thread scratch so that repeated runs allocate nothing.
            Conv2d.Params q = convD.params();
            float[] mid = MID.get(0, q.n() * q.outC() * q.outH() * q.outW());
            convD.run(x, 0, mid, 0, dwEpi, threads);
            convP.run(mid, 0, y, 0, pwEpi, threads);
        }
    }

    /** The two FusedConv kernels one after the other: for runs that leave the packed case. */
    private static OpKernel separately(Node d, Node p, OpConfig cfg) {
        OpKernel first = FusedOps.fusedConv(d, cfg);
        OpKernel second = FusedOps.fusedConv(p, cfg);
        return (ctx, in) -> {
            Value mid = first.run(ctx, new Value[] {in[0], in[1], in[2]})[0];
            Value[] rest = in.length > 5 ? new Value[] {mid, in[3], in[4], in[5]} : new Value[] {mid, in[3], in[4]};
            return second.run(ctx, rest);
        };
    }

    /** The depthwise convolution as the FusedConv node it was. */
    static Node depthwise(Node node) {
        return FusedOps.fusedConvPart(node, DEPTHWISE, node.inputs().subList(0, 3), node.name() + "/d",
                node.output(0) + "/depthwise");
    }

    /** The pointwise convolution as the FusedConv node it was, reading the depthwise output. */
    static Node pointwise(Node node) {
        List<String> inputs = new ArrayList<>();
        inputs.add(node.output(0) + "/depthwise");
        inputs.addAll(node.inputs().subList(3, node.inputs().size()));
        return FusedOps.fusedConvPart(node, POINTWISE, inputs, node.name() + "/p", node.output(0));
    }
}
