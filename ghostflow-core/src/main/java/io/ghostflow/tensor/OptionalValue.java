package io.ghostflow.tensor;

/** ONNX {@code optional(T)}: holds one value or none. */
public record OptionalValue(Value value) implements Value {
    public static final OptionalValue EMPTY = new OptionalValue(null);

    public boolean isPresent() {
        return value != null;
    }
}
