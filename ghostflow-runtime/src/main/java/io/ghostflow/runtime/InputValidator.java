package io.ghostflow.runtime;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks caller-supplied inputs against the model's declared inputs before anything runs. */
final class InputValidator {
    private InputValidator() {
    }

    static void validate(Map<String, ? extends Value> feeds, List<ValueInfo> required, Set<String> optional) {
        Map<String, ValueInfo> byName = new HashMap<>();
        required.forEach(v -> byName.put(v.name(), v));
        for (String name : feeds.keySet()) {
            if (!byName.containsKey(name) && !optional.contains(name)) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "unknown input '" + name + "'; the model's inputs are "
                        + required.stream().map(ValueInfo::name).toList());
            }
        }
        Map<String, Long> symbols = new HashMap<>();
        for (ValueInfo info : required) {
            Value v = feeds.get(info.name());
            if (v == null) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "missing input '" + info.name() + "' (expected " + info.type() + ")");
            }
            check(info, v, symbols);
        }
    }

    private static void check(ValueInfo info, Value v, Map<String, Long> symbols) {
        ValueType type = info.type();
        if (type.kind() != ValueType.Kind.TENSOR) {
            return; // sequences and optionals are checked by the ops that read them
        }
        if (!(v instanceof Tensor t)) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + info.name() + "': expected " + type + ", given a "
                    + v.getClass().getSimpleName());
        }
        if (type.elementType() != null && type.elementType() != t.dtype()) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + info.name() + "': expected element type "
                    + type.elementType() + ", given " + t.dtype());
        }
        if (!type.hasShape()) {
            return;
        }
        List<Dim> dims = type.shape();
        int[] shape = t.shape();
        if (dims.size() != shape.length) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + info.name() + "': expected rank " + dims.size()
                    + " " + type + ", given shape " + Arrays.toString(shape));
        }
        for (int i = 0; i < shape.length; i++) {
            Dim d = dims.get(i);
            if (d.isFixed() && d.value() != shape[i]) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + info.name() + "': dimension " + i + " must be "
                        + d.value() + " (declared " + type + "), given shape " + Arrays.toString(shape));
            }
            if (!d.isFixed() && d.symbol() != null && !d.symbol().isEmpty()) {
                Long prev = symbols.putIfAbsent(d.symbol(), (long) shape[i]);
                if (prev != null && prev != shape[i]) {
                    throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + info.name() + "': dimension " + i + " ('"
                            + d.symbol() + "') is " + shape[i] + " but another input binds '" + d.symbol() + "' to " + prev);
                }
            }
        }
    }
}
