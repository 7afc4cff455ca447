package io.ghostflow.runtime.ops.fused;

import io.ghostflow.kernels.Conv2d;
import io.ghostflow.kernels.Epilogue;
import io.ghostflow.kernels.ExpandDepthwisePointwise;
import io.ghostflow.kernels.ScratchFloats;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.tensor.Data;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ExpandDepthwisePointwiseConv(X, We, Be, Wd, Bd, Wp, Bp, Z?)}: a FusedConv (X, We, Be; no
 * residual) whose output only a DepthwisePointwiseConv (that output, Wd, Bd, Wp, Bp, Z?) reads, as
 * one node that computes MobileNet's whole inverted-residual block band of rows by band of rows
 * ({@link ExpandDepthwisePointwise}), so the expanded tensor is never stored whole. The first
 * convolution is the block's pointwise expansion or the network's stem (shallow, strided). Its
 * attributes are stored with the prefix {@code e_}, the depthwise's and pointwise's as in
 * DepthwisePointwiseConv ({@code d_}, {@code p_}). Every output is the unfused nodes', bit for
 * bit; runs that leave the constant-weight case or the banded kernel's geometry run the kernels
 * one after the other.
 */
public final class ExpandDepthwisePointwiseConv {
    public static final String EXPAND = "e_";
    /** Inputs of the expansion (X, We, Be) ahead of the DepthwisePointwiseConv's others. */
    private static final int EXPAND_INPUTS = 3;
    /** The expanded tensor when the block runs apart (per thread, reused from run to run). */
    private static final ScratchFloats EXPANDED = new ScratchFloats(1);

    private ExpandDepthwisePointwiseConv() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        if (node.inputs().size() < 7 || node.inputs().size() > 8 || node.outputs().size() != 1) {
            throw Data.badGraph(node.label() + ": ExpandDepthwisePointwiseConv takes X, We, Be, Wd, Bd, Wp, Bp and an optional"
                    + " Z, and has one output; got " + node.inputs().size() + " inputs and " + node.outputs().size() + " outputs");
        }
        Node ex = expansion(node);
        Node rest = depthwisePointwise(node);
        Node d = DepthwisePointwiseConv.depthwise(rest);
        Node p = DepthwisePointwiseConv.pointwise(rest);
        PackedConv exp = PackedConv.of(ex, cfg, ConvParams.from(ex), Activation.from(ex));
        PackedConv dw = PackedConv.of(d, cfg, ConvParams.from(d), Activation.from(d));
        PackedConv pw = PackedConv.of(p, cfg, ConvParams.from(p), Activation.from(p));
        OpKernel separate = FusedOps.onFirstUse(() -> separately(ex, rest, cfg));
        if (exp == null || dw == null || pw == null) {
            return separate;
        }
        return (ctx, in) -> {
            Conv2d convE = exp.bind(in, 0, EXPAND_INPUTS);
            if (convE == null) {
                return separate.run(ctx, in);
            }
            Conv2d convD = dw.bind(PackedConv.outputShape(convE.params()), in[3], in[4], null);
            if (convD == null) {
                return separate.run(ctx, in);
            }
            Tensor z = in.length > 7 ? (Tensor) in[7] : null;
            Conv2d convP = pw.bind(PackedConv.outputShape(convD.params()), in[5], in[6], z);
            if (convP == null) {
                return separate.run(ctx, in);
            }
            int[] os = PackedConv.outputShape(convP.params());
            int ohw = os[2] * os[3];
            Epilogue exEpi = exp.epilogue(null, 0);
            Epilogue dwEpi = dw.epilogue(null, 0);
            Epilogue pwEpi = pw.epilogue(z == null ? null : z.floats(), ohw);
            float[] x = ((Tensor) in[0]).floats();
            float[] zv = z == null ? null : z.floats();
            float[] y = ctx.floatBuffer(os[0] * os[1] * ohw);
            // A fresh array when the pool handed out an input's own storage (read while writing).
            if (y == x || y == zv) {
                y = new float[y.length];
            }
            if (ExpandDepthwisePointwise.suits(convE, exEpi, convD, dwEpi, convP)) {
                ExpandDepthwisePointwise.run(convE, exEpi, convD, dwEpi, convP, pwEpi, x, y, ctx.threads());
            } else {
                // Expansions that fit L2 (and other kernels): the expansion whole into per-thread
                // scratch, then the pair, with the weights packed here (not a second time by the
                // separate nodes' kernels).
                Conv2d.Params e = convE.params();
                float[] expanded = EXPANDED.get(0, e.n() * e.outC() * e.outH() * e.outW());
                convE.run(x, 0, expanded, 0, exEpi, ctx.threads());
                DepthwisePointwiseConv.run(convD, dwEpi, convP, pwEpi, expanded, y, ctx.threads());
            }
            return new Value[] {Tensor.of(y, os)};
        };
    }

    /**
     * The expansion's FusedConv kernel, then the DepthwisePointwiseConv kernel: for runs that leave
     * the packed case (built on first use: it packs the weights again).
     */
    private static OpKernel separately(Node ex, Node rest, OpConfig cfg) {
        OpKernel first = FusedOps.fusedConv(ex, cfg);
        OpKernel second = DepthwisePointwiseConv.create(rest, cfg);
        return (ctx, in) -> {
            Tensor mid = (Tensor) first.run(ctx, new Value[] {in[0], in[1], in[2]})[0];
            Value[] restIn = new Value[in.length - EXPAND_INPUTS + 1];
            restIn[0] = mid;
            System.arraycopy(in, EXPAND_INPUTS, restIn, 1, in.length - EXPAND_INPUTS);
            Value[] out = second.run(ctx, restIn);
            // The expanded tensor is dead: its array goes back for the next run.
            if (mid.storage() instanceof float[] a && ((Tensor) out[0]).storage() != a) {
                ctx.recycleBuffer(a);
            }
            return out;
        };
    }

    /** The expansion as the FusedConv node it was. */
    static Node expansion(Node node) {
        return FusedOps.fusedConvPart(node, EXPAND, node.inputs().subList(0, EXPAND_INPUTS), node.name() + "/e",
                node.output(0) + "/expanded");
    }

    /** The depthwise and pointwise convolutions as the DepthwisePointwiseConv node they were, reading the expansion. */
    static Node depthwisePointwise(Node node) {
        List<String> inputs = new ArrayList<>();
        inputs.add(node.output(0) + "/expanded");
        inputs.addAll(node.inputs().subList(EXPAND_INPUTS, node.inputs().size()));
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        node.attributes().forEach((k, v) -> {
            if (!k.startsWith(EXPAND)) {
                attrs.put(k, v);
            }
        });
        return new Node(node.name() + "/dp", "DepthwisePointwiseConv", FusedOps.DOMAIN, inputs, List.of(node.output(0)), attrs);
    }
}
