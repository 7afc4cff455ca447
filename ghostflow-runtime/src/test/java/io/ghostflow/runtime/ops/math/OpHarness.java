package io.ghostflow.runtime.ops.math;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.ops.SingleOp;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs one registered default-domain op on tensors, for unit tests. */
public final class OpHarness {
    private OpHarness() {
    }

    public static Value[] run(String op, int opset, List<Attribute> attrs, Tensor... inputs) {
        Map<String, Attribute> am = new LinkedHashMap<>();
        for (Attribute a : attrs) {
            am.put(a.name(), a);
        }
        return SingleOp.run("", op, opset, am, 3, 1, inputs);
    }

    public static Tensor run1(String op, int opset, List<Attribute> attrs, Tensor... inputs) {
        return (Tensor) run(op, opset, attrs, inputs)[0];
    }
}
