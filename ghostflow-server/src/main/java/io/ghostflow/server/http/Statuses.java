package io.ghostflow.server.http;

import io.ghostflow.core.ErrorCode;

/** HTTP status for each engine error code. */
public final class Statuses {
    private Statuses() {
    }

    public static int of(ErrorCode code) {
        return switch (code) {
            case INVALID_ARGUMENT, SHAPE_MISMATCH, INVALID_FORMAT, INVALID_GRAPH -> 400;
            case NOT_FOUND -> 404;
            case UNAVAILABLE -> 503;
            case NOT_IMPLEMENTED -> 501;
            case IO_ERROR, INTERNAL -> 500;
        };
    }
}
