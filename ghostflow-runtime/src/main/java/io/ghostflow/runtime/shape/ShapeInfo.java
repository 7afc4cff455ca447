package io.ghostflow.runtime.shape;

import io.ghostflow.tensor.DType;
import java.util.Map;

/**
 * What is known about the values of a graph before it runs: element types, and shapes that are
 * fixed for every input the graph can be fed (so a pass may rely on them).
 */
public record ShapeInfo(Map<String, DType> types, Map<String, int[]> staticShapes, Map<String, DType> guessedTypes) {
    public static final ShapeInfo EMPTY = new ShapeInfo(Map.of(), Map.of(), Map.of());

    /** The element type of {@code value} when known for certain (declared, constant, Cast, or seen on a run). */
    public DType type(String value) {
        return types.get(value);
    }

    /** The certain type, else a forward guess: good enough to refuse a float-only rewrite, never to remove a node. */
    public DType typeOrGuess(String value) {
        DType t = types.get(value);
        return t != null ? t : guessedTypes.get(value);
    }

    /** The shape of {@code value} when fixed, else null. */
    public int[] shape(String value) {
        int[] s = staticShapes.get(value);
        return s == null ? null : s.clone();
    }
}
