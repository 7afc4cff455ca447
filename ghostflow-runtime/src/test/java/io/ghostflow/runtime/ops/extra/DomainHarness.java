package io.ghostflow.runtime.ops.extra;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.ops.SingleOp;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs one registered op of any domain on tensors (no nested graphs), for unit tests. */
public final class DomainHarness {
    private DomainHarness() {
    }

    public static Value[] run(String domain, String op, int opset, int outputs, List<Attribute> attrs, Tensor... inputs) {
        Map<String, Attribute> am = new LinkedHashMap<>();
        for (Attribute a : attrs) {
            am.put(a.name(), a);
        }
        return SingleOp.run(domain, op, opset, am, outputs, 1, inputs);
    }

    public static Tensor run1(String domain, String op, int opset, List<Attribute> attrs, Tensor... inputs) {
        return (Tensor) run(domain, op, opset, 1, attrs, inputs)[0];
    }
}
