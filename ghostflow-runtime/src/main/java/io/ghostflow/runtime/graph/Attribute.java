package io.ghostflow.runtime.graph;

import io.ghostflow.tensor.Tensor;
import java.util.List;

/**
 * One node attribute, converted from AttributeProto at load time. Exactly one of the value
 * fields is used, according to {@link #type}. {@code refName} is set for attributes of
 * function bodies that refer to the calling node's attribute.
 */
public record Attribute(String name, Type type, Object value, String refName) {
    public enum Type { FLOAT, INT, STRING, TENSOR, GRAPH, SPARSE_TENSOR, TYPE_PROTO, FLOATS, INTS, STRINGS, TENSORS, GRAPHS, SPARSE_TENSORS, TYPE_PROTOS }

    public static Attribute of(String name, long v) {
        return new Attribute(name, Type.INT, v, null);
    }

    public static Attribute of(String name, float v) {
        return new Attribute(name, Type.FLOAT, v, null);
    }

    public static Attribute of(String name, String v) {
        return new Attribute(name, Type.STRING, v, null);
    }

    public static Attribute of(String name, long[] v) {
        return new Attribute(name, Type.INTS, v.clone(), null);
    }

    public static Attribute of(String name, float[] v) {
        return new Attribute(name, Type.FLOATS, v.clone(), null);
    }

    public static Attribute of(String name, Tensor v) {
        return new Attribute(name, Type.TENSOR, v, null);
    }

    public static Attribute of(String name, Graph v) {
        return new Attribute(name, Type.GRAPH, v, null);
    }

    public static Attribute ofStrings(String name, List<String> v) {
        return new Attribute(name, Type.STRINGS, List.copyOf(v), null);
    }

    @Override
    public String toString() {
        return name + "=" + switch (value) {
            case long[] a -> java.util.Arrays.toString(a);
            case float[] a -> java.util.Arrays.toString(a);
            case Graph g -> "<graph " + g.name() + ">";
            case null -> "@" + refName;
            default -> String.valueOf(value);
        };
    }
}
