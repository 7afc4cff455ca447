package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.ExpandDepthwisePointwiseConv;
import io.ghostflow.runtime.ops.fused.FusedOps;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pointwise expansion (bias, ReLU / Clip) whose output only a DepthwisePointwiseConv reads
 * (MobileNet's inverted-residual blocks) -> ExpandDepthwisePointwiseConv, which runs the whole
 * block in bands of rows so that the expanded tensor stays in L2 (mobilenet_v2's blocks 2 and 3:
 * 4.8 and 1.8 MB written to memory and read back per run); expansions known to fit L2 stay apart.
 * A network's stem (a shallow strided convolution, as ConvMaxPoolFusion takes) in the expansion's
 * place goes the same way (mobilenet_v2's stem and block 1). Runs after DepthwisePointwiseFusion;
 * the first convolution's attributes keep their names behind the prefix {@code e_}, the pair's keep
 * theirs.
 */
public final class ExpandDepthwisePointwiseFusion extends LoopPass {
    @Override
    public String name() {
        return "expand-depthwise-pointwise-fusion";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node n, PassContext ctx) {
        if (!Fused.isFused(n, "DepthwisePointwiseConv") || !idx.singleUse(n.input(0))) {
            return false;
        }
        Node e = idx.producer(n.input(0));
        if (!DepthwisePointwiseFusion.isConv(e) || e.outputs().size() != 1 || e.inputs().size() > 3
                || !(DepthwisePointwiseFusion.pointwise(e, idx) || ConvMaxPoolFusion.stridedConv(e, idx))
                || e.hasInput(2) && idx.constant(e.input(2)) == null
                || !Fused.registerActivation(e) || Fused.notFloat(ctx, e.input(0))
                || DepthwisePointwiseFusion.fitsL2(ctx.shapes().shape(e.output(0)))) {
            return false;
        }
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            inputs.add(e.hasInput(i) ? e.input(i) : "");
        }
        inputs.addAll(n.inputs().subList(1, n.inputs().size()));
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        Fused.copyAttributes(e, ExpandDepthwisePointwiseConv.EXPAND, attrs);
        attrs.putAll(n.attributes());
        Node fused = new Node(n.name(), "ExpandDepthwisePointwiseConv", FusedOps.DOMAIN, inputs, new ArrayList<>(n.outputs()),
                attrs);
        g.nodes().set(g.nodes().indexOf(n), fused);
        g.nodes().remove(e);
        ctx.useFusedDomain();
        return true;
    }
}
