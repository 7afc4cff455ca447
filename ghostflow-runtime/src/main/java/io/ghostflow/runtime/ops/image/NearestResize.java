package io.ghostflow.runtime.ops.image;

import io.ghostflow.tensor.Shapes;

/**
 * Resize in nearest mode for float tensors as copies: per axis, the source index of every output
 * index (the same choice as {@link ResizeOp#resizeAxis}, whose one weight is 1), then each output
 * row gathered from its source row, or copied whole from the previous output row when both come
 * from the same source row (every other row of a 2x upsampling). The generic path resamples in
 * double, one axis at a time, through full-size intermediate arrays.
 */
final class NearestResize {
    private NearestResize() {
    }

    /** Whether the fast path gives the generic result: nearest, no extrapolation, no renormalised weights. */
    static boolean applies(ResizeOp.Params p) {
        return p.mode().equals("nearest") && !p.coord().equals("tf_crop_and_resize") && !p.excludeOutside();
    }

    /** x (shape in) resized to out; scale per axis as the generic path computed it. */
    static float[] run(float[] x, int[] in, int[] out, double[] scale, ResizeOp.Params p) {
        int rank = in.length;
        int[][] maps = new int[rank][];
        for (int d = 0; d < rank; d++) {
            maps[d] = sourceIndices(in[d], out[d], scale[d], p);
        }
        int[] inStride = Shapes.strides(in);
        int ow = out[rank - 1];
        int[] lastMap = maps[rank - 1];
        float[] y = new float[Shapes.size(out)];
        if (y.length == 0) {
            return y;
        }
        int rows = y.length / ow;
        int[] at = new int[Math.max(0, rank - 1)];
        int previous = -1;
        for (int row = 0; row < rows; row++) {
            int src = 0;
            for (int d = 0; d < rank - 1; d++) {
                src += maps[d][at[d]] * inStride[d];
            }
            int dst = row * ow;
            if (src == previous) {
                System.arraycopy(y, dst - ow, y, dst, ow);
            } else {
                for (int j = 0; j < ow; j++) {
                    y[dst + j] = x[src + lastMap[j]];
                }
            }
            previous = src;
            for (int d = rank - 2; d >= 0 && ++at[d] == out[d]; d--) {
                at[d] = 0;
            }
        }
        return y;
    }

    /** For each output index along one axis, the input index whose nearest-mode weight is 1. */
    private static int[] sourceIndices(int inLen, int outLen, double scale, ResizeOp.Params p) {
        int[] map = new int[outLen];
        for (int j = 0; j < outLen; j++) {
            if (outLen == inLen && scale == 1) {
                map[j] = j;
                continue;
            }
            double xo = ResizeOp.original(j, scale, outLen, inLen, 0, 1, p.coord());
            double f = Math.floor(xo);
            double ratio = xo - f;
            if (ratio == 0) {
                ratio = 1;
                f -= 1;
            }
            double[] c = ResizeOp.coeffs(ratio, scale, p);
            int first = (int) f - (c.length / 2 - 1);
            int k = c[0] == 1 ? 0 : 1;
            map[j] = Math.max(0, Math.min(inLen - 1, first + k));
        }
        return map;
    }
}
