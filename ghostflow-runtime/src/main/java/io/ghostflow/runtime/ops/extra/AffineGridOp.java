package io.ghostflow.runtime.ops.extra;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;

/**
 * AffineGrid (opset 20): the sampling grid for GridSample. For size (N, C, H, W) and theta
 * (N, 2, 3), grid[n, h, w] = theta[n] (x_w, y_h, 1); in 3-D, size (N, C, D, H, W), theta
 * (N, 3, 4) and points (x_w, y_h, z_d, 1). Normalised coordinates span [-1, 1]: through the
 * corner pixel centres with align_corners, else through the pixel edges.
 */
final class AffineGridOp {
    private AffineGridOp() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        boolean align = node.getInt("align_corners", 0) != 0;
        return (ctx, in) -> {
            Tensor theta = (Tensor) in[0];
            long[] size = ((Tensor) in[1]).asLongs();
            int spatial = size.length - 2;
            if ((spatial != 2 && spatial != 3) || theta.rank() != 3 || theta.dim(0) != size[0]
                    || theta.dim(1) != spatial || theta.dim(2) != spatial + 1) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "AffineGrid: theta " + Arrays.toString(theta.shape())
                        + " does not fit size " + Arrays.toString(size) + " (expected (N, 2, 3) with 4-D size or (N, 3, 4) with 5-D size)");
            }
            int n = (int) size[0];
            int d = spatial == 3 ? (int) size[2] : 1;
            int h = (int) size[size.length - 2];
            int w = (int) size[size.length - 1];
            double[] xs = coords(w, align);
            double[] ys = coords(h, align);
            double[] zs = coords(d, align);
            double[] th = theta.asDoubles();
            int rows = spatial;
            int cols = spatial + 1;
            double[] out = new double[n * d * h * w * spatial];
            int o = 0;
            for (int b = 0; b < n; b++) {
                int tb = b * rows * cols;
                for (int k = 0; k < d; k++) {
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < w; j++) {
                            for (int r = 0; r < rows; r++) {
                                int t = tb + r * cols;
                                double v = th[t] * xs[j] + th[t + 1] * ys[i];
                                v += spatial == 3 ? th[t + 2] * zs[k] + th[t + 3] : th[t + 2];
                                out[o++] = v;
                            }
                        }
                    }
                }
            }
            int[] shape = spatial == 3 ? new int[] {n, d, h, w, 3} : new int[] {n, h, w, 2};
            return new Value[] {Doubles.toTensor(theta.dtype(), out, shape)};
        };
    }

    private static double[] coords(int size, boolean align) {
        double[] c = new double[size];
        for (int i = 0; i < size; i++) {
            c[i] = align ? (size == 1 ? -1 : -1 + 2.0 * i / (size - 1)) : -1 + (2.0 * i + 1) / size;
        }
        return c;
    }
}
