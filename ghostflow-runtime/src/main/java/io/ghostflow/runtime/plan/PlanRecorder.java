package io.ghostflow.runtime.plan;

import io.ghostflow.runtime.exec.NodeListener;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Records, during one run, which values each node read and the size of every tensor it
 * produced: the planner's input. Plans follow the shapes seen on a run, as ONNX Runtime's
 * memory pattern does, so a symbolic batch is planned at the size actually used.
 */
public final class PlanRecorder implements NodeListener {
    /** One executed node: the op, the values it read, and its outputs with their byte sizes (-1 = not a tensor). */
    public record Step(String opType, List<String> inputs, List<String> outputs, long[] outputBytes) {
    }

    private final List<Step> steps = new ArrayList<>();

    @Override
    public synchronized void onNode(Node node, long startNanos, long durationNanos, Value[] inputs, Value[] outputs) {
        long[] bytes = new long[node.outputs().size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = outputs != null && i < outputs.length && outputs[i] instanceof Tensor t ? t.byteSize() : -1;
        }
        steps.add(new Step(node.opType(), List.copyOf(node.inputs()), List.copyOf(node.outputs()), bytes));
    }

    public synchronized List<Step> steps() {
        return List.copyOf(steps);
    }
}
