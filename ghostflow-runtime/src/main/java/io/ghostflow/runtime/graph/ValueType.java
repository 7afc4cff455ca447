package io.ghostflow.runtime.graph;

import io.ghostflow.tensor.DType;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The declared type of a graph value: a tensor (element type and optional shape), a sequence or
 * an optional of an inner type, or a map. {@code shape == null} means the rank is unknown.
 */
public record ValueType(Kind kind, DType elementType, List<Dim> shape, ValueType inner) {
    public enum Kind { TENSOR, SEQUENCE, OPTIONAL, MAP, SPARSE_TENSOR, UNKNOWN }

    public static final ValueType UNKNOWN = new ValueType(Kind.UNKNOWN, null, null, null);

    public static ValueType tensor(DType type, List<Dim> shape) {
        return new ValueType(Kind.TENSOR, type, shape == null ? null : List.copyOf(shape), null);
    }

    public static ValueType sequence(ValueType inner) {
        return new ValueType(Kind.SEQUENCE, null, null, inner);
    }

    public static ValueType optional(ValueType inner) {
        return new ValueType(Kind.OPTIONAL, null, null, inner);
    }

    public boolean isTensor() {
        return kind == Kind.TENSOR;
    }

    public boolean hasShape() {
        return shape != null;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case TENSOR, SPARSE_TENSOR -> (kind == Kind.TENSOR ? "tensor(" : "sparse_tensor(")
                    + (elementType == null ? "?" : elementType.onnxName()) + ")"
                    + (shape == null ? "" : shape.stream().map(Dim::toString).collect(Collectors.joining(",", "[", "]")));
            case SEQUENCE -> "seq(" + inner + ")";
            case OPTIONAL -> "optional(" + inner + ")";
            case MAP -> "map";
            case UNKNOWN -> "?";
        };
    }
}
