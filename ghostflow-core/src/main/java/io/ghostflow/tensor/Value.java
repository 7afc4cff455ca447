package io.ghostflow.tensor;

/** A runtime value flowing along a graph edge: a {@link Tensor}, a {@link TensorSequence} or an {@link OptionalValue}. */
public sealed interface Value permits Tensor, TensorSequence, OptionalValue {
}
