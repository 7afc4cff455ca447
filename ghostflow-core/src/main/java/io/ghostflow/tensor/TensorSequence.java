package io.ghostflow.tensor;

import java.util.List;

/** ONNX {@code seq(tensor(T))}: an ordered list of tensors of one element type. */
public record TensorSequence(DType elementType, List<Tensor> tensors) implements Value {
    public TensorSequence {
        tensors = List.copyOf(tensors);
    }

    public int size() {
        return tensors.size();
    }

    public Tensor get(int i) {
        return tensors.get(i);
    }
}
