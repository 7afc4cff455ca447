package io.ghostflow.runtime.optimize;

/** How many rewrites one pass made. */
public record PassResult(String pass, int rewrites) {
}
