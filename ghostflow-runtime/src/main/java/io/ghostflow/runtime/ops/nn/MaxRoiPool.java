package io.ghostflow.runtime.ops.nn;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.linalg.FloatIO;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/**
 * MaxRoiPool (opsets 1, 22): each region [batch, x1, y1, x2, y2] (scaled by spatial_scale and
 * rounded, end inclusive) is split into pooled_shape bins; each bin takes the maximum, 0 when empty.
 */
final class MaxRoiPool {
    private MaxRoiPool() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        long[] pooled = node.getInts("pooled_shape", null);
        if (pooled == null || pooled.length != 2) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, node.label() + ": pooled_shape must have 2 values");
        }
        float scale = node.getFloat("spatial_scale", 1f);
        int ph = (int) pooled[0];
        int pw = (int) pooled[1];
        return (ctx, in) -> {
            Tensor x = FloatIO.require(in[0], "MaxRoiPool X");
            Tensor rois = FloatIO.require(in[1], "MaxRoiPool rois");
            if (x.rank() != 4 || rois.rank() != 2 || rois.dim(1) != 5) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "MaxRoiPool needs X [N, C, H, W] and rois [R, 5]");
            }
            int c = x.dim(1);
            int h = x.dim(2);
            int w = x.dim(3);
            int nr = rois.dim(0);
            float[] xv = FloatIO.in(x, "X");
            float[] y = new float[nr * c * ph * pw];
            for (int r = 0; r < nr; r++) {
                int b = (int) rois.getDouble(r * 5);
                int x1 = (int) Math.round(rois.getDouble(r * 5 + 1) * scale);
                int y1 = (int) Math.round(rois.getDouble(r * 5 + 2) * scale);
                int x2 = (int) Math.round(rois.getDouble(r * 5 + 3) * scale);
                int y2 = (int) Math.round(rois.getDouble(r * 5 + 4) * scale);
                double binH = Math.max(y2 - y1 + 1, 1) / (double) ph;
                double binW = Math.max(x2 - x1 + 1, 1) / (double) pw;
                for (int ch = 0; ch < c; ch++) {
                    int plane = (b * c + ch) * h * w;
                    for (int i = 0; i < ph; i++) {
                        int hs = Math.min(Math.max((int) Math.floor(i * binH) + y1, 0), h);
                        int he = Math.min(Math.max((int) Math.ceil((i + 1) * binH) + y1, 0), h);
                        for (int j = 0; j < pw; j++) {
                            int ws = Math.min(Math.max((int) Math.floor(j * binW) + x1, 0), w);
                            int we = Math.min(Math.max((int) Math.ceil((j + 1) * binW) + x1, 0), w);
                            float m = Float.NEGATIVE_INFINITY;
                            for (int yy = hs; yy < he; yy++) {
                                for (int xx = ws; xx < we; xx++) {
                                    m = Math.max(m, xv[plane + yy * w + xx]);
                                }
                            }
                            y[((r * c + ch) * ph + i) * pw + j] = he <= hs || we <= ws ? 0f : m;
                        }
                    }
                }
            }
            return new Value[] {FloatIO.out(y, x.dtype(), nr, c, ph, pw)};
        };
    }
}
