package io.ghostflow.kernels;

/**
 * A right-hand GEMM operand that is never materialised as a matrix: it writes the requested
 * block straight into packed panel order. Convolutions use it to gather their im2col columns
 * from the image while packing, saving a full write and re-read of the column matrix.
 */
interface BPanelSource {
    /**
     * Writes rows [k0, k0 + kc) and columns [j0, j0 + nc) of op(B) into NR-column panels of
     * stride {@code panelStride}: element (k, j) goes to
     * dst[dOff + ((j - j0) / NR) * panelStride + (k - k0) * NR + (j - j0) % NR].
     * Columns of the last panel past j0 + nc are zero-filled.
     */
    void pack(int k0, int kc, int j0, int nc, float[] dst, int dOff, int panelStride);
}
