package io.ghostflow.runtime.ops.linalg;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.ops.SingleOp;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs one registered operator on tensors, outside any model, for focused unit tests. */
public final class OpHarness {
    private OpHarness() {
    }

    public static Value[] run(String op, int opset, Map<String, Object> attrs, Tensor... inputs) {
        Map<String, Attribute> a = new LinkedHashMap<>();
        attrs.forEach((k, v) -> a.put(k, switch (v) {
            case Long l -> Attribute.of(k, l);
            case Integer i -> Attribute.of(k, (long) i);
            case Float f -> Attribute.of(k, f);
            case String s -> Attribute.of(k, s);
            case long[] l -> Attribute.of(k, l);
            case float[] f -> Attribute.of(k, f);
            case List<?> l -> Attribute.ofStrings(k, l.stream().map(Object::toString).toList());
            default -> throw new IllegalArgumentException(k);
        }));
        return SingleOp.run("", op, opset, a, 4, 2, inputs);
    }
}
