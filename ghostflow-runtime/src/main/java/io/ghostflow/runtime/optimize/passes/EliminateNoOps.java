package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;
import io.ghostflow.runtime.optimize.Rewrites;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.Arrays;

/** Removes Identity, inference-mode Dropout, Cast to the type a value already has and Reshape to the shape it already has. */
public final class EliminateNoOps extends LoopPass {
    @Override
    public String name() {
        return "eliminate-no-ops";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.BASIC;
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node n, PassContext ctx) {
        return n.domain().isEmpty() && n.hasInput(0) && isNoOp(n, idx, ctx) && Rewrites.bypass(g, idx, n, n.input(0), n.output(0));
    }

    private static boolean isNoOp(Node n, GraphIndex idx, PassContext ctx) {
        return switch (n.opType()) {
            case "Identity" -> true;
            case "Dropout" -> {
                // The mask output must be unused, and training_mode, when given, a constant false.
                if (n.outputs().size() > 1 && !n.output(1).isEmpty()
                        && (!idx.consumers(n.output(1)).isEmpty() || idx.isGraphOutput(n.output(1)))) {
                    yield false;
                }
                if (n.hasInput(2)) {
                    Tensor mode = idx.constant(n.input(2));
                    yield mode != null && mode.size() == 1 && mode.getDouble(0) == 0;
                }
                yield true;
            }
            case "Cast" -> {
                DType from = ctx.shapes().type(n.input(0));
                yield from != null && n.has("to") && from.onnxCode() == n.getInt("to", -1);
            }
            case "Reshape" -> {
                int[] from = ctx.shapes().shape(n.input(0));
                int[] to = ctx.shapes().shape(n.output(0));
                yield from != null && to != null && Arrays.equals(from, to);
            }
            default -> false;
        };
    }
}
