package io.ghostflow.runtime.ops.nn;

import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.linalg.FloatIO;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/** LpNormalization, MeanVarianceNormalization and LRN: normalisations along chosen axes. */
final class ChannelNorms {
    private ChannelNorms() {
    }

    static OpKernel lp(Node node, OpConfig cfg) {
        long axisAttr = node.getInt("axis", -1);
        long p = node.getInt("p", 2);
        return (ctx, in) -> {
            Tensor x = FloatIO.require(in[0], "LpNormalization input");
            int[] xs = x.shape();
            int axis = Shapes.axis((int) axisAttr, xs.length, "LpNormalization");
            int len = xs[axis];
            int inner = Shapes.size(java.util.Arrays.copyOfRange(xs, axis + 1, xs.length));
            int outer = Shapes.size(java.util.Arrays.copyOfRange(xs, 0, axis));
            float[] xv = FloatIO.in(x, "LpNormalization input");
            float[] y = new float[xv.length];
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int base = o * len * inner + i;
                    double s = 0;
                    for (int k = 0; k < len; k++) {
                        float v = xv[base + k * inner];
                        s += p == 1 ? Math.abs(v) : (double) v * v;
                    }
                    double norm = p == 1 ? s : Math.sqrt(s);
                    for (int k = 0; k < len; k++) {
                        y[base + k * inner] = norm == 0 ? 0f : (float) (xv[base + k * inner] / norm);
                    }
                }
            }
            return new Value[] {FloatIO.out(y, x.dtype(), xs)};
        };
    }

    static OpKernel meanVariance(Node node, OpConfig cfg) {
        long[] axesAttr = node.getInts("axes", new long[] {0, 2, 3});
        return (ctx, in) -> {
            Tensor x = FloatIO.require(in[0], "MeanVarianceNormalization input");
            int[] xs = x.shape();
            boolean[] reduce = new boolean[xs.length];
            for (long a : axesAttr) {
                reduce[Shapes.axis((int) a, xs.length, "MeanVarianceNormalization")] = true;
            }
            int[] keptShape = xs.clone();
            for (int d = 0; d < xs.length; d++) {
                if (reduce[d]) {
                    keptShape[d] = 1;
                }
            }
            int groups = Shapes.size(keptShape);
            int[] keptStrides = Shapes.strides(keptShape);
            float[] xv = FloatIO.in(x, "MeanVarianceNormalization input");
            int[] groupOf = new int[xv.length];
            double[] sum = new double[groups];
            double[] sq = new double[groups];
            int[] cnt = new int[groups];
            int[] idx = new int[xs.length];
            for (int i = 0; i < xv.length; i++) {
                int gi = 0;
                for (int d = 0; d < xs.length; d++) {
                    gi += reduce[d] ? 0 : idx[d] * keptStrides[d];
                }
                groupOf[i] = gi;
                sum[gi] += xv[i];
                sq[gi] += (double) xv[i] * xv[i];
                cnt[gi]++;
                ConvKernel.increment(idx, xs);
            }
            float[] y = new float[xv.length];
            for (int i = 0; i < xv.length; i++) {
                int gi = groupOf[i];
                double mean = sum[gi] / cnt[gi];
                double std = Math.sqrt(Math.max(0, sq[gi] / cnt[gi] - mean * mean));
                y[i] = (float) ((xv[i] - mean) / (std + 1e-9));
            }
            return new Value[] {FloatIO.out(y, x.dtype(), xs)};
        };
    }

    static OpKernel lrn(Node node, OpConfig cfg) {
        float alpha = node.getFloat("alpha", 1e-4f);
        float beta = node.getFloat("beta", 0.75f);
        float bias = node.getFloat("bias", 1f);
        int size = (int) node.requireInt("size");
        int before = (size - 1) / 2;
        int after = size - 1 - before;
        return (ctx, in) -> {
            Tensor x = FloatIO.require(in[0], "LRN input");
            int[] xs = x.shape();
            int n = xs[0];
            int c = xs[1];
            int inner = x.size() / Math.max(1, n * c);
            float[] xv = FloatIO.in(x, "LRN input");
            float[] y = new float[xv.length];
            for (int b = 0; b < n; b++) {
                for (int ch = 0; ch < c; ch++) {
                    int lo = Math.max(0, ch - before);
                    int hi = Math.min(c - 1, ch + after);
                    for (int i = 0; i < inner; i++) {
                        double s = 0;
                        for (int k = lo; k <= hi; k++) {
                            float v = xv[(b * c + k) * inner + i];
                            s += (double) v * v;
                        }
                        int at = (b * c + ch) * inner + i;
                        y[at] = (float) (xv[at] / Math.pow(bias + alpha / size * s, beta));
                    }
                }
            }
            return new Value[] {FloatIO.out(y, x.dtype(), xs)};
        };
    }
}
