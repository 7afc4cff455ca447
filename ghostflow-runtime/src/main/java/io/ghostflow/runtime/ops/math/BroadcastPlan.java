package io.ghostflow.runtime.ops.math;

import io.ghostflow.tensor.Shapes;

/**
 * How several inputs are read when broadcast (numpy rules) to one output shape. The output
 * is walked row by row: dims that broadcast the same way for every input are merged, so the
 * innermost "row" is as long as possible; per row, each input starts at {@link #base} and
 * advances by {@link #innerStride} (0 for a broadcast input, 1 for a contiguous one).
 */
public final class BroadcastPlan {
    /** The broadcast output shape. */
    public final int[] outShape;
    /** Output element count. */
    public final int size;
    /** Length of one row (innermost merged dim). */
    public final int inner;
    /** Number of rows ({@code size / inner}, 0 when the output is empty). */
    public final int rows;
    /** Per input, the stride along the row (0 or 1 after merging, or a general stride). */
    public final int[] innerStride;
    private final int[][] outerShapeStrides;
    private final int[] outerShape;

    private BroadcastPlan(int[] outShape, int[]... inShapes) {
        this.outShape = outShape;
        this.size = Shapes.size(outShape);
        int k = inShapes.length;
        int r = outShape.length;
        int[][] st = new int[k][];
        for (int i = 0; i < k; i++) {
            st[i] = Shapes.broadcastStrides(inShapes[i], outShape);
        }
        // merge dims (keeping those of size > 1) from the innermost outwards
        int[] dims = new int[r];
        int[][] mst = new int[k][r];
        int m = 0;
        for (int d = 0; d < r; d++) {
            if (outShape[d] == 1) {
                continue;
            }
            if (m > 0) {
                boolean merge = true;
                for (int i = 0; i < k && merge; i++) {
                    // previous merged dim (outer) followed by d (inner): contiguous if outer stride == inner stride * len
                    merge = mst[i][m - 1] == st[i][d] * outShape[d];
                }
                if (merge) {
                    dims[m - 1] *= outShape[d];
                    for (int i = 0; i < k; i++) {
                        mst[i][m - 1] = st[i][d];
                    }
                    continue;
                }
            }
            dims[m] = outShape[d];
            for (int i = 0; i < k; i++) {
                mst[i][m] = st[i][d];
            }
            m++;
        }
        if (m == 0) {
            inner = size == 0 ? 0 : 1;
            innerStride = new int[k];
            outerShape = new int[0];
            outerShapeStrides = new int[k][0];
        } else {
            inner = dims[m - 1];
            innerStride = new int[k];
            for (int i = 0; i < k; i++) {
                innerStride[i] = mst[i][m - 1];
            }
            outerShape = java.util.Arrays.copyOf(dims, m - 1);
            outerShapeStrides = new int[k][];
            for (int i = 0; i < k; i++) {
                outerShapeStrides[i] = java.util.Arrays.copyOf(mst[i], m - 1);
            }
        }
        rows = inner == 0 ? 0 : size / inner;
    }

    /** Plan for reading tensors of {@code inShapes} as {@code outShape}. */
    public static BroadcastPlan of(int[] outShape, int[]... inShapes) {
        return new BroadcastPlan(outShape, inShapes);
    }

    /** Plan for the numpy broadcast of {@code inShapes}. */
    public static BroadcastPlan broadcast(int[]... inShapes) {
        return new BroadcastPlan(Shapes.broadcast(inShapes), inShapes);
    }

    /** Start offset of every row for input {@code k}. */
    public int[] rowBases(int k) {
        int[] out = new int[rows];
        int[] shp = outerShape;
        int[] st = outerShapeStrides[k];
        int[] idx = new int[shp.length];
        int off = 0;
        for (int row = 0; row < rows; row++) {
            out[row] = off;
            for (int d = shp.length - 1; d >= 0; d--) {
                idx[d]++;
                off += st[d];
                if (idx[d] < shp[d]) {
                    break;
                }
                off -= st[d] * shp[d];
                idx[d] = 0;
            }
        }
        return out;
    }

    /** Source offset of every output element for input {@code k} (for generic element-wise loops). */
    public int[] index(int k) {
        int[] out = new int[size];
        int[] bases = rowBases(k);
        int s = innerStride[k];
        int o = 0;
        for (int row = 0; row < rows; row++) {
            int b = bases[row];
            for (int j = 0; j < inner; j++) {
                out[o++] = b + j * s;
            }
        }
        return out;
    }
}
