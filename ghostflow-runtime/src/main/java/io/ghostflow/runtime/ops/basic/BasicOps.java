package io.ghostflow.runtime.ops.basic;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.List;

/** Ops with no computation: Identity and Constant. */
public final class BasicOps {
    private BasicOps() {
    }

    public static void register(OpRegistry r) {
        r.register("Identity", new int[] {1, 13, 14, 16, 19, 21, 23, 24, 25}, (node, cfg) -> (ctx, in) -> new Value[] {in[0]});
        r.register("Constant", new int[] {1, 9, 11, 12, 13, 19, 21, 23, 24, 25}, (node, cfg) -> {
            Value v = constantValue(node);
            return (ctx, in) -> new Value[] {v};
        });
    }

    private static Value constantValue(Node node) {
        if (node.attributes().size() != 1) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "Constant needs exactly one value attribute, has " + node.attributes().keySet());
        }
        Attribute a = node.attributes().values().iterator().next();
        return switch (a.name()) {
            case "value", "sparse_value" -> (Tensor) a.value();
            case "value_float" -> Tensor.scalar(((Number) a.value()).floatValue()).reshape();
            case "value_int" -> Tensor.ofLongs(new long[] {((Number) a.value()).longValue()});
            case "value_floats" -> {
                float[] f = (float[]) a.value();
                yield Tensor.of(f, f.length);
            }
            case "value_ints" -> {
                long[] l = (long[]) a.value();
                yield Tensor.ofLongs(l, l.length);
            }
            case "value_string" -> Tensor.ofStrings(new String[] {(String) a.value()});
            case "value_strings" -> {
                @SuppressWarnings("unchecked") List<String> s = (List<String>) a.value();
                yield Tensor.ofStrings(s.toArray(new String[0]), s.size());
            }
            default -> throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "Constant: unknown attribute '" + a.name() + "'");
        };
    }

}
