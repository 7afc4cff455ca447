package io.ghostflow.server.protocol;

import java.util.List;

/**
 * A parsed inference request.
 *
 * @param id                 echoed in the response (may be null)
 * @param inputs             in request order
 * @param outputs            requested outputs (empty: all)
 * @param binaryDataOutput   request-level {@code binary_data_output}
 * @param timeoutMicros      {@code timeout} parameter, or -1
 */
public record InferRequest(String id, List<InferInput> inputs, List<RequestedOutput> outputs, boolean binaryDataOutput,
                           long timeoutMicros) {

    /** An entry of {@code outputs}: name and its {@code binary_data} parameter (null: not given). */
    public record RequestedOutput(String name, Boolean binaryData) {
    }
}
