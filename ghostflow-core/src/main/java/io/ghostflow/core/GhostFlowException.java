package io.ghostflow.core;

/**
 * The one exception type of GhostFlow. Unchecked, so that call sites do not drown in
 * {@code throws} clauses; the {@link ErrorCode} says what kind of failure it is.
 */
public class GhostFlowException extends RuntimeException {
    private final ErrorCode code;

    public GhostFlowException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public GhostFlowException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    @Override
    public String getMessage() {
        return "[" + code + "] " + super.getMessage();
    }

    /** The message without the code prefix. */
    public String detail() {
        return super.getMessage();
    }

    public static GhostFlowException invalidArgument(String message) {
        return new GhostFlowException(ErrorCode.INVALID_ARGUMENT, message);
    }

    public static GhostFlowException shapeMismatch(String message) {
        return new GhostFlowException(ErrorCode.SHAPE_MISMATCH, message);
    }

    public static GhostFlowException invalidFormat(String message) {
        return new GhostFlowException(ErrorCode.INVALID_FORMAT, message);
    }

    public static GhostFlowException notImplemented(String message) {
        return new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, message);
    }

    public static GhostFlowException invalidGraph(String message) {
        return new GhostFlowException(ErrorCode.INVALID_GRAPH, message);
    }
}
