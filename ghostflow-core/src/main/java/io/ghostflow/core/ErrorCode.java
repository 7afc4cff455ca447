package io.ghostflow.core;

/** Why an operation failed. Stable: scripts and the server map these to exit codes and HTTP statuses. */
public enum ErrorCode {
    /** The file or stream could not be read or written. */
    IO_ERROR,
    /** The bytes are not a valid ONNX model or tensor (truncated, corrupt, hostile sizes). */
    INVALID_FORMAT,
    /** An operator, opset, dtype or feature that GhostFlow does not implement. */
    NOT_IMPLEMENTED,
    /** A caller-supplied argument is wrong (unknown input name, wrong dtype, bad option). */
    INVALID_ARGUMENT,
    /** Tensor shapes do not fit together. */
    SHAPE_MISMATCH,
    /** The graph is malformed: cycles, dangling values, outputs nobody produces. */
    INVALID_GRAPH,
    /** A model, version or resource that does not exist. */
    NOT_FOUND,
    /** The engine ran into an unexpected state; a bug. */
    INTERNAL,
    /** The work was refused or abandoned: queue full, timeout, shutting down. */
    UNAVAILABLE
}
