package io.ghostflow.runtime.batch;

/** Timings a {@link BatchInference} reports, for statistics and metrics. Called on the running thread. */
public interface BatchListener {
    BatchListener NONE = new BatchListener() {
    };

    /**
     * One run finished (successfully or not).
     *
     * @param requests  requests it served
     * @param rows      rows (inferences) it held
     * @param inputNs   time spent stacking inputs
     * @param inferNs   time in the session
     * @param outputNs  time spent splitting outputs
     */
    default void executed(int requests, int rows, long inputNs, long inferNs, long outputNs) {
    }

    /** A request left the queue after waiting {@code queueNs}. */
    default void dequeued(long queueNs) {
    }
}
