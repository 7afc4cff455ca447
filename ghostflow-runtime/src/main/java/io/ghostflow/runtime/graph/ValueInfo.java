package io.ghostflow.runtime.graph;

/** A named, typed value of a graph (an input, an output, or an annotated intermediate). */
public record ValueInfo(String name, ValueType type) {
    @Override
    public String toString() {
        return name + ": " + type;
    }
}
