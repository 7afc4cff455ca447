package io.ghostflow.runtime.ops.control;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.ops.SubgraphRunner;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.List;

/** Control flow with nested graphs: If, Loop and Scan. */
public final class ControlOps {
    private ControlOps() {
    }

    static final int[] VERSIONS = {1, 11, 13, 16, 19, 21, 23, 24, 25};

    public static void register(OpRegistry r) {
        r.register("If", VERSIONS, (node, cfg) -> {
            Graph thenG = required(node.getGraph("then_branch"), "then_branch");
            Graph elseG = required(node.getGraph("else_branch"), "else_branch");
            SubgraphRunner thenR = cfg.compile(thenG);
            SubgraphRunner elseR = cfg.compile(elseG);
            return (ctx, in) -> {
                Tensor c = Stacking.tensor(in[0], "If cond");
                if (c.size() != 1) {
                    throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "If: cond must hold one element, has " + c.size());
                }
                return (c.getLong(0) != 0 ? thenR : elseR).run(ctx, new Value[0]);
            };
        });
        r.register("Loop", VERSIONS, LoopOp::create);
        r.register("Scan", new int[] {8, 9, 11, 16, 19, 21, 23, 24, 25}, ScanOp::create);
    }

    static Graph required(Graph g, String attr) {
        if (g == null) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "missing graph attribute '" + attr + "'");
        }
        return g;
    }

    static List<ValueType> outputTypes(Graph g) {
        List<ValueType> out = new ArrayList<>();
        for (var o : g.outputs()) {
            out.add(o.type());
        }
        return out;
    }
}
