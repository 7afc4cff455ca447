package io.ghostflow.kernels;

/**
 * A per-thread buffer of consecutive rows of every channel ([channel][row][width], channels
 * {@code plane} floats apart) that slides down an image band by band: the rows a band shares
 * with the one before stay, moved to the top, instead of being computed again. Used by the banded
 * kernels that feed one convolution's rows to the next operator ({@link StridedConvMaxPool},
 * {@link ExpandDepthwisePointwise}).
 */
final class RowBand {
    private RowBand() {
    }

    /**
     * Moves rows [max(first, have0), have1) of a buffer holding rows [have0, have1) (have0 at its top)
     * to the top, for a band starting at row {@code first}; returns how many there are (0 when the
     * bands do not overlap). The caller computes rows first + kept onwards.
     */
    static int keep(float[] buffer, int channels, int plane, int width, int have0, int have1, int first) {
        int kept = Math.max(0, have1 - Math.max(first, have0));
        if (kept > 0) {
            for (int ch = 0; ch < channels; ch++) {
                System.arraycopy(buffer, ch * plane + (first - have0) * width, buffer, ch * plane, kept * width);
            }
        }
        return kept;
    }
}
