package io.ghostflow.onnx;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How {@link OnnxFiles#writeModel(io.ghostflow.onnx.proto.Onnx.ModelProto, Path, ExternalDataPolicy)}
 * stores weights: initializers of at least {@code thresholdBytes} go to one file named
 * {@code location} beside the model, each starting at a multiple of {@code alignment} (the
 * spec recommends the page size so that readers can map tensors directly).
 *
 * @param location       file name relative to the model's directory, e.g. "model.onnx.data"
 * @param thresholdBytes tensors smaller than this stay inside the model
 * @param alignment      offset alignment in bytes, a power of two
 * @param sourceDir      directory the input model's own external data resolves against, or null
 *                       if it has none
 */
public record ExternalDataPolicy(String location, long thresholdBytes, int alignment, Path sourceDir) {
    public ExternalDataPolicy {
        Objects.requireNonNull(location, "location");
        if (thresholdBytes < 0) {
            throw new IllegalArgumentException("thresholdBytes must be >= 0");
        }
        if (alignment < 1 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two, got " + alignment);
        }
    }

    /** Tensors of 1 KiB or more to {@code location}, page-aligned. */
    public static ExternalDataPolicy of(String location) {
        return new ExternalDataPolicy(location, 1024, 4096, null);
    }

    public ExternalDataPolicy withThreshold(long bytes) {
        return new ExternalDataPolicy(location, bytes, alignment, sourceDir);
    }

    public ExternalDataPolicy withAlignment(int bytes) {
        return new ExternalDataPolicy(location, thresholdBytes, bytes, sourceDir);
    }

    /** The directory the input model was read from, to resolve its existing external data. */
    public ExternalDataPolicy withSourceDir(Path dir) {
        return new ExternalDataPolicy(location, thresholdBytes, alignment, dir);
    }
}
