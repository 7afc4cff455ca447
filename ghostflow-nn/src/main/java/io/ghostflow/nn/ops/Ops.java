package io.ghostflow.nn.ops;

import io.ghostflow.core.Parallel;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.ops.ExecContext;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.SingleOp;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs single ONNX operators through the runtime's registered kernels, so that modules compute
 * their forward pass with exactly the code an exported model runs with. One kernel is prepared
 * per (op type, attributes) and cached; they are stateless between calls.
 */
public final class Ops {
    /** Opset the modules speak; GELU needs 20 (the first opset with a Gelu operator). */
    public static final int OPSET = 17;
    public static final int GELU_OPSET = 20;

    private static final Map<String, OpKernel> CACHE = new ConcurrentHashMap<>();
    private static final ExecContext CONTEXT = SingleOp.context(Parallel.availableThreads());

    private Ops() {
    }

    /** Runs {@code opType} with the given attributes on the inputs (null = omitted optional input). */
    public static Tensor[] run(String opType, int opset, int outputs, Map<String, Attribute> attrs, Tensor... inputs) {
        OpKernel kernel = kernel(opType, opset, inputs, outputs, attrs);
        Value[] in = new Value[inputs.length];
        System.arraycopy(inputs, 0, in, 0, inputs.length);
        Value[] out = kernel.run(CONTEXT, in);
        Tensor[] result = new Tensor[outputs];
        for (int i = 0; i < outputs; i++) {
            result[i] = (Tensor) out[i];
        }
        return result;
    }

    /** One-output shorthand at the modules' default opset. */
    public static Tensor run1(String opType, Map<String, Attribute> attrs, Tensor... inputs) {
        return run(opType, OPSET, 1, attrs, inputs)[0];
    }

    /** Attributes in insertion order, from name/value pairs (long, float, long[], String). */
    public static Map<String, Attribute> attrs(Object... nameValue) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            String n = (String) nameValue[i];
            Attribute a = switch (nameValue[i + 1]) {
                case Integer v -> Attribute.of(n, (long) v);
                case Long v -> Attribute.of(n, (long) v);
                case Float v -> Attribute.of(n, (float) v);
                case Double v -> Attribute.of(n, v.floatValue());
                case long[] v -> Attribute.of(n, v);
                case float[] v -> Attribute.of(n, v);
                case String v -> Attribute.of(n, v);
                default -> throw new IllegalArgumentException("attribute " + n + ": " + nameValue[i + 1]);
            };
            m.put(n, a);
        }
        return m;
    }

    private static OpKernel kernel(String opType, int opset, Tensor[] inputs, int outputs, Map<String, Attribute> attrs) {
        StringBuilder key = new StringBuilder(opType).append('@').append(opset).append('/');
        for (Tensor t : inputs) {
            key.append(t == null ? '-' : '+');
        }
        key.append(outputs).append(attrs.values());
        return CACHE.computeIfAbsent(key.toString(), k -> create(opType, opset, inputs, outputs, attrs));
    }

    private static OpKernel create(String opType, int opset, Tensor[] inputs, int outputs, Map<String, Attribute> attrs) {
        boolean[] present = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            present[i] = inputs[i] != null;
        }
        return SingleOp.kernel("", opType, opset, present, outputs, attrs, Parallel.availableThreads());
    }
}
