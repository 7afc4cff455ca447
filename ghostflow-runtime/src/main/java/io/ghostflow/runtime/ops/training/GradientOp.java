package io.ghostflow.runtime.ops.training;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.ops.ExecContext;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.SubgraphRunner;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gradient (ai.onnx.preview.training, version 1): dy/dx for each x in xs, by reverse-mode
 * differentiation of the nodes between xs/zs and y. The forward part comes from
 * {@link GradientGraphs} as a nested graph; the kernel re-runs it on its inputs, then walks its
 * nodes backwards applying {@link Backprop} rules. y is seeded with ones, so for a non-scalar y
 * the result is the gradient of sum(y).
 */
final class GradientOp {
    private GradientOp() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        Graph forward = node.getGraph(GradientGraphs.FORWARD);
        if (forward == null) {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED,
                    "Gradient: only supported in a session's main graph (its forward graph was not attached)");
        }
        List<String> xs = node.getStrings("xs", null);
        List<String> zs = node.getStrings("zs", List.of());
        String y = node.getString("y", null);
        if (node.inputs().size() != xs.size() + zs.size()) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "Gradient: expected " + (xs.size() + zs.size())
                    + " inputs (xs then zs), got " + node.inputs().size());
        }
        if (node.outputs().size() != xs.size()) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "Gradient: expected one output per xs entry ("
                    + xs.size() + "), got " + node.outputs().size());
        }
        // Only nodes on a path from some x to y carry gradient; they all need a rule.
        Set<String> dependsOnX = new HashSet<>(xs);
        for (Node n : forward.nodes()) {
            if (n.inputs().stream().anyMatch(dependsOnX::contains)) {
                if (!Backprop.supports(n.opType())) {
                    throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED,
                            "Gradient: no derivative for operator " + n.opType() + " (node " + n.label() + ")");
                }
                dependsOnX.addAll(n.outputs());
            }
        }
        SubgraphRunner runner = cfg.compile(forward);
        List<String> outNames = forward.outputs().stream().map(ValueInfo::name).toList();
        return (ctx, in) -> run(ctx, in, runner, forward, outNames, xs, zs, y, dependsOnX);
    }

    private static Value[] run(ExecContext ctx, Value[] in, SubgraphRunner runner, Graph forward, List<String> outNames,
                               List<String> xs, List<String> zs, String y, Set<String> dependsOnX) {
        Value[] produced = runner.run(ctx, in);
        Map<String, Tensor> values = new HashMap<>();
        for (int i = 0; i < xs.size(); i++) {
            values.put(xs.get(i), (Tensor) in[i]);
        }
        for (int i = 0; i < zs.size(); i++) {
            values.put(zs.get(i), (Tensor) in[xs.size() + i]);
        }
        for (int i = 0; i < outNames.size(); i++) {
            values.put(outNames.get(i), (Tensor) produced[i]);
        }
        Tensor yValue = value(ctx, values, y);
        Map<String, Grid> grads = new HashMap<>();
        grads.put(y, Grid.filled(yValue.shape(), 1.0));
        List<Node> nodes = forward.nodes();
        for (int k = nodes.size() - 1; k >= 0; k--) {
            Node n = nodes.get(k);
            Grid g = grads.get(n.output(0));
            if (g == null || !dependsOnX.contains(n.output(0))) {
                continue;
            }
            Grid[] ins = new Grid[n.inputs().size()];
            for (int i = 0; i < ins.length; i++) {
                String name = n.input(i);
                ins[i] = name.isEmpty() ? null : Grid.of(value(ctx, values, name));
            }
            Grid[] dIn = Backprop.inputGradients(n, ins, Grid.of(values.get(n.output(0))), g);
            for (int i = 0; i < dIn.length; i++) {
                String name = n.input(i);
                if (dIn[i] != null && dependsOnX.contains(name)) {
                    grads.merge(name, dIn[i], Grid::plus);
                }
            }
        }
        Value[] out = new Value[xs.size()];
        for (int i = 0; i < xs.size(); i++) {
            Tensor x = (Tensor) in[i];
            Grid g = grads.get(xs.get(i));
            out[i] = (g == null ? Grid.filled(x.shape(), 0.0) : g).toTensor(x.dtype());
        }
        return out;
    }

    private static Tensor value(ExecContext ctx, Map<String, Tensor> values, String name) {
        Tensor t = values.get(name);
        if (t == null) {
            Value v = ctx.lookup(name);
            if (!(v instanceof Tensor vt)) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "Gradient: no tensor value for '" + name + "'");
            }
            t = vt;
        }
        return t;
    }
}
