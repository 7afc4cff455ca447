package io.ghostflow.runtime;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The outputs of one run, by name, in the order they were requested. Closing releases them. */
public final class Result implements AutoCloseable {
    private final Map<String, Value> values;
    private boolean closed;

    Result(Map<String, Value> values) {
        this.values = new LinkedHashMap<>(values);
    }

    /** The tensor output {@code name}. */
    public Tensor get(String name) {
        Value v = value(name);
        if (v instanceof Tensor t) {
            return t;
        }
        throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "output '" + name + "' is not a tensor but " + v.getClass().getSimpleName());
    }

    /** Output {@code i} in request order. */
    public Tensor get(int i) {
        return get(names().get(i));
    }

    public Value value(String name) {
        if (closed) {
            throw new IllegalStateException("result is closed");
        }
        Value v = values.get(name);
        if (v == null) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "no output named '" + name + "'; outputs are " + values.keySet());
        }
        return v;
    }

    public List<String> names() {
        return List.copyOf(values.keySet());
    }

    public int size() {
        return values.size();
    }

    /** All outputs, by name. */
    public Map<String, Value> asMap() {
        return Map.copyOf(values);
    }

    @Override
    public void close() {
        closed = true;
        values.clear();
    }
}
