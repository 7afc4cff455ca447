package io.ghostflow.server.protocol;

import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;

/**
 * One input of an inference request as parsed: its tensor (JSON data already decoded) or, for the
 * binary extension, the byte count to take from the body after the JSON header.
 */
public record InferInput(String name, DType dtype, int[] shape, Tensor tensor, long binarySize) {
    public boolean isBinary() {
        return binarySize >= 0;
    }
}
