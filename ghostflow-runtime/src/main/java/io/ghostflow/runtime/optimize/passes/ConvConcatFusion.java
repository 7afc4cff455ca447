package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.ConvConcat;
import io.ghostflow.runtime.ops.fused.FusedOps;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Concat along channels of FusedConv outputs that nothing else reads -> ConvConcat, whose
 * branches write their slices of the result directly: the copy Concat made (squeezenet1_1's
 * eight fire modules: about 4% of the model) is gone and so are the branch outputs' buffers.
 * Runs after the convolution fusions, so each branch carries its bias and activation; branches
 * with a residual input stay as they are. Branch i's attributes keep their names behind the
 * prefix {@code b<i>_}.
 */
public final class ConvConcatFusion extends LoopPass {
    @Override
    public String name() {
        return "conv-concat-fusion";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node n, PassContext ctx) {
        if (!Fused.is(n, "Concat") || n.inputs().size() < 2 || n.outputs().size() != 1) {
            return false;
        }
        long axis = n.getInt("axis", 1);
        if (axis != 1 && axis != -3) {
            return false;
        }
        List<Node> branches = new ArrayList<>();
        for (String in : n.inputs()) {
            Node conv = idx.producer(in);
            if (!Fused.isFused(conv, "FusedConv") || branches.contains(conv) || !idx.singleUse(in)
                    || conv.inputs().size() > ConvConcat.INPUTS_PER_BRANCH || !ConvActivationFusion.is2d(conv, idx)
                    || (conv.hasInput(2) && idx.constant(conv.input(2)) == null)) {
                return false;
            }
            branches.add(conv);
        }
        List<String> inputs = new ArrayList<>();
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (int i = 0; i < branches.size(); i++) {
            Node conv = branches.get(i);
            for (int j = 0; j < ConvConcat.INPUTS_PER_BRANCH; j++) {
                inputs.add(conv.hasInput(j) ? conv.input(j) : "");
            }
            Fused.copyAttributes(conv, ConvConcat.prefixed(i, ""), attrs);
        }
        Node fused = new Node(n.name(), "ConvConcat", FusedOps.DOMAIN, inputs, new ArrayList<>(n.outputs()), attrs);
        g.nodes().set(g.nodes().indexOf(n), fused);
        g.nodes().removeAll(branches);
        ctx.useFusedDomain();
        return true;
    }
}
