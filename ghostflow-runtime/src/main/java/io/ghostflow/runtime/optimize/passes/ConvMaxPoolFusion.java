package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.kernels.StridedConvMaxPool;
import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.ConvMaxPool;
import io.ghostflow.runtime.ops.fused.FusedOps;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;
import io.ghostflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A shallow strided convolution (a CNN's stem) whose output only a 2-D max pool reads, with
 * windows 2 or 3 columns wide at column stride 2 -> ConvMaxPool, which runs the pair in bands of
 * rows so that the convolution's output stays in L2 (squeezenet1_1's and resnet18's stems: 3.2 MB
 * written to memory and read back per run). Runs after the convolution fusions, so the
 * convolution carries its bias and ReLU / Clip; its attributes keep their names behind the
 * prefix {@code c_}, the pool's behind {@code p_}.
 */
public final class ConvMaxPoolFusion extends LoopPass {
    @Override
    public String name() {
        return "conv-maxpool-fusion";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node n, PassContext ctx) {
        if (!Fused.is(n, "MaxPool") || n.outputs().size() > 2 || n.outputs().size() == 2 && !n.output(1).isEmpty()
                || !bandablePool(n) || !idx.singleUse(n.input(0))) {
            return false;
        }
        Node c = idx.producer(n.input(0));
        if (!(Fused.is(c, "Conv") || Fused.isFused(c, "FusedConv")) || c.outputs().size() != 1 || c.inputs().size() > 3
                || !stridedConv(c, idx) || c.hasInput(2) && idx.constant(c.input(2)) == null || Fused.notFloat(ctx, c.input(0))) {
            return false;
        }
        List<String> inputs = new ArrayList<>(c.inputs());
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        Fused.copyAttributes(c, ConvMaxPool.CONV, attrs);
        Fused.copyAttributes(n, ConvMaxPool.POOL, attrs);
        Node fused = new Node(n.name(), "ConvMaxPool", FusedOps.DOMAIN, inputs, List.of(n.output(0)), attrs);
        g.nodes().set(g.nodes().indexOf(n), fused);
        g.nodes().remove(c);
        ctx.useFusedDomain();
        return true;
    }

    /** 2-D windows 2 or 3 columns wide at column stride 2, undilated, explicit padding of at most one row above and one column left. */
    private static boolean bandablePool(Node n) {
        long[] k = n.getInts("kernel_shape", null);
        long[] s = n.getInts("strides", new long[] {1, 1});
        long[] pads = n.getInts("pads", new long[4]);
        String autoPad = n.getString("auto_pad", "NOTSET");
        return k != null && k.length == 2 && s.length == 2 && pads.length == 4 && (k[1] == 2 || k[1] == 3) && s[1] == 2
                && k[0] >= s[0] && Fused.allEqual(n.getInts("dilations", new long[] {1, 1}), 1) && pads[0] <= 1 && pads[1] <= 1
                && (autoPad.equals("NOTSET") || autoPad.equals("VALID"));
    }

    /**
     * One group, columns strided, undilated, at most {@link StridedConvMaxPool#MAX_CONV_DEPTH} taps per
     * output, constant float weights, and an activation the banded kernel applies (ReLU / Clip).
     */
    static boolean stridedConv(Node c, GraphIndex idx) {
        if (!ConvActivationFusion.is2d(c, idx)) {
            return false;
        }
        Tensor w = idx.constant(c.input(1));
        long[] s = c.getInts("strides", new long[] {1, 1});
        return c.getInt("group", 1) == 1 && s.length == 2 && s[1] >= 2
                && Fused.allEqual(c.getInts("dilations", new long[] {1, 1}), 1)
                && (long) w.dim(1) * w.dim(2) * w.dim(3) <= StridedConvMaxPool.MAX_CONV_DEPTH
                && Fused.registerActivation(c);
    }
}
