package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.kernels.DepthwisePointwise;
import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.DepthwisePointwiseConv;
import io.ghostflow.runtime.ops.fused.FusedOps;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;
import io.ghostflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A 3x3 depthwise convolution whose output only a pointwise convolution reads (MobileNet's
 * depthwise -> projection) -> DepthwisePointwiseConv, which runs the pair in bands of rows so the
 * depthwise output stays in L2 (mobilenet_v2's early blocks: 1.2 - 1.8 MB that went out to L3 and
 * back); pairs whose depthwise output is known to fit L2 stay apart. Runs after the convolution
 * fusions: the depthwise carries its bias and ReLU / Clip, the pointwise its bias and residual.
 * Each convolution's attributes keep their names behind the prefixes {@code d_} and {@code p_}.
 */
public final class DepthwisePointwiseFusion extends LoopPass {
    @Override
    public String name() {
        return "depthwise-pointwise-fusion";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node n, PassContext ctx) {
        if (!isConv(n) || n.outputs().size() != 1 || n.inputs().size() > 4 || !pointwise(n, idx)
                || n.hasInput(2) && idx.constant(n.input(2)) == null || !idx.singleUse(n.input(0))) {
            return false;
        }
        Node d = idx.producer(n.input(0));
        if (!isConv(d) || d.outputs().size() != 1 || d.inputs().size() > 3 || !depthwise3x3(d, idx)
                || d.hasInput(2) && idx.constant(d.input(2)) == null || fitsL2(ctx.shapes().shape(d.output(0)))) {
            return false;
        }
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            inputs.add(d.hasInput(i) ? d.input(i) : "");
        }
        for (int i = 1; i < 4; i++) {
            inputs.add(n.hasInput(i) ? n.input(i) : "");
        }
        if (inputs.get(inputs.size() - 1).isEmpty()) {
            inputs.remove(inputs.size() - 1);
        }
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        Fused.copyAttributes(d, DepthwisePointwiseConv.DEPTHWISE, attrs);
        Fused.copyAttributes(n, DepthwisePointwiseConv.POINTWISE, attrs);
        Node fused = new Node(n.name(), "DepthwisePointwiseConv", FusedOps.DOMAIN, inputs, new ArrayList<>(n.outputs()), attrs);
        g.nodes().set(g.nodes().indexOf(n), fused);
        g.nodes().remove(d);
        ctx.useFusedDomain();
        return true;
    }

    /**
     * True when an [N, C, H, W] tensor's shape is known and an image of it fits L2: the banded
     * kernels run their convolutions apart then ({@link DepthwisePointwise#suits}), so the nodes stay apart.
     */
    static boolean fitsL2(int[] shape) {
        if (shape == null || shape.length != 4) {
            return false;
        }
        return (long) shape[1] * shape[2] * shape[3] <= DepthwisePointwise.MIN_OUTPUT_FLOATS;
    }

    static boolean isConv(Node n) {
        return Fused.is(n, "Conv") || Fused.isFused(n, "FusedConv");
    }

    /** 1x1, one group, stride 1, no padding, constant float weights. */
    static boolean pointwise(Node n, GraphIndex idx) {
        Tensor w = idx.constant(n.input(1));
        return ConvActivationFusion.is2d(n, idx) && w.dim(2) == 1 && w.dim(3) == 1 && n.getInt("group", 1) == 1
                && Fused.allEqual(n.getInts("strides", new long[] {1, 1}), 1) && Fused.allEqual(n.getInts("pads", new long[4]), 0)
                && Fused.allEqual(n.getInts("dilations", new long[] {1, 1}), 1)
                && (n.getString("auto_pad", "NOTSET").equals("NOTSET") || n.getString("auto_pad", "").equals("VALID"));
    }

    /** 3x3, one group per channel, no dilation, constant float weights [C, 1, 3, 3]. */
    private static boolean depthwise3x3(Node d, GraphIndex idx) {
        Tensor w = idx.constant(d.input(1));
        return ConvActivationFusion.is2d(d, idx) && w.dim(1) == 1 && w.dim(2) == 3 && w.dim(3) == 3
                && d.getInt("group", 1) == w.dim(0) && Fused.allEqual(d.getInts("dilations", new long[] {1, 1}), 1);
    }
}
