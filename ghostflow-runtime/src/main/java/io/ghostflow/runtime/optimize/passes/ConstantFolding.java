package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.exec.TopologicalOrder;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.GraphPass;
import io.ghostflow.runtime.optimize.PassContext;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates, once at load, every node whose inputs are all constants, with the real op kernels,
 * and turns the results into initializers. Shape and Size of values whose shapes are static
 * (see ShapeAnalysis) count as constants, so the Shape -> Gather -> Unsqueeze -> Concat ->
 * Reshape arithmetic of transformer exports disappears once the free dimensions are fixed.
 * Constant nodes become initializers too, so later passes see one kind of constant.
 */
public final class ConstantFolding implements GraphPass {
    private static final Set<String> NEVER = Set.of("RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike",
            "Multinomial", "Bernoulli", "Dropout");
    private static final long MAX_FOLDED_ELEMENTS = 1 << 24;

    @Override
    public String name() {
        return "constant-folding";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.BASIC;
    }

    @Override
    public int apply(Graph g, PassContext ctx) {
        GraphIndex idx = new GraphIndex(g);
        Set<String> inputs = new HashSet<>();
        g.inputs().forEach(i -> inputs.add(i.name()));
        Map<String, Tensor> known = new HashMap<>();
        g.initializers().forEach((k, v) -> {
            if (!inputs.contains(k)) {
                known.put(k, v);
            }
        });
        Set<String> available = new HashSet<>(inputs);
        available.addAll(g.initializers().keySet());
        List<Node> order = TopologicalOrder.sort(g, available);
        Set<Node> folded = new HashSet<>();
        int count = 0;
        for (Node n : order) {
            Tensor[] results = evaluate(n, known, ctx);
            if (results == null) {
                continue;
            }
            for (int i = 0; i < n.outputs().size(); i++) {
                if (!n.output(i).isEmpty()) {
                    known.put(n.output(i), results[i]);
                }
            }
            folded.add(n);
            if (!n.opType().equals("Constant")) {
                count++;
            }
        }
        if (folded.isEmpty()) {
            return 0;
        }
        g.nodes().removeAll(folded);
        GraphIndex after = new GraphIndex(g);
        for (Node n : folded) {
            for (String o : n.outputs()) {
                if (!o.isEmpty() && (!after.consumers(o).isEmpty() || idx.isGraphOutput(o))) {
                    g.initializers().put(o, known.get(o));
                }
            }
        }
        return count;
    }

    /** The node's outputs when it can be computed now, else null. */
    private static Tensor[] evaluate(Node n, Map<String, Tensor> known, PassContext ctx) {
        String op = n.opType();
        boolean std = n.domain().isEmpty();
        if (!n.subgraphs().isEmpty() || (std && NEVER.contains(op)) || n.outputs().isEmpty()) {
            return null;
        }
        if (std && (op.equals("Shape") || op.equals("Size")) && !known.containsKey(n.input(0))) {
            int[] shape = ctx.shapes().shape(n.input(0));
            if (shape == null) {
                return null;
            }
            if (op.equals("Size")) {
                long size = 1;
                for (int d : shape) {
                    size *= d;
                }
                return new Tensor[] {Tensor.ofLongs(new long[] {size})};
            }
            int r = shape.length;
            int start = clamp((int) n.getInt("start", 0), r);
            int end = clamp((int) n.getInt("end", r), r);
            long[] dims = new long[Math.max(0, end - start)];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = shape[start + i];
            }
            return new Tensor[] {Tensor.ofLongs(dims, dims.length)};
        }
        Value[] args = new Value[n.inputs().size()];
        for (int i = 0; i < args.length; i++) {
            if (n.hasInput(i)) {
                args[i] = known.get(n.input(i));
                if (args[i] == null) {
                    return null;
                }
            }
        }
        Value[] out = io.ghostflow.runtime.shape.NodeKernels.run(n, args, ctx.registry(), ctx.opsets(), known);
        Tensor[] tensors = new Tensor[n.outputs().size()];
        for (int i = 0; i < tensors.length; i++) {
            if (n.output(i).isEmpty()) {
                continue;
            }
            if (out == null || i >= out.length || !(out[i] instanceof Tensor t) || t.size() > MAX_FOLDED_ELEMENTS) {
                // no kernel, or an op that refuses these inputs: leave the node for run time
                return null;
            }
            tensors[i] = t;
        }
        return tensors;
    }

    private static int clamp(int v, int r) {
        int x = v < 0 ? v + r : v;
        return Math.max(0, Math.min(r, x));
    }
}
