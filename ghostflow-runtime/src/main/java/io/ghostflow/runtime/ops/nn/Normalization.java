package io.ghostflow.runtime.ops.nn;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.kernels.VectorMath;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.fused.NormRows;
import io.ghostflow.runtime.ops.linalg.FloatIO;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Statistics-based normalisations over a trailing block of each row: LayerNormalization,
 * RMSNormalization, InstanceNormalization and GroupNormalization. Statistics are summed in
 * float vector lanes over chunks that add up in double (the stash type is at least float).
 */
final class Normalization {
    private Normalization() {
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats summed in vector lanes before the partial sum joins the double total. */
    private static final int CHUNK = 256;

    /**
     * Mean and 1/sqrt(var + eps) of x[off, off+len); with {@code rms}, the mean is taken as 0. Two
     * passes (the variance from centred values), each in float vector lanes over chunks of 256
     * whose sums add up in double, so long rows (a GroupNormalization group of 10 x 64 x 64) keep
     * nearly double accuracy.
     */
    private static void stats(float[] x, int off, int len, float eps, boolean rms, double[] out) {
        double mean = rms ? 0 : sum(x, off, len, 0f, false) / len;
        double sq = sum(x, off, len, (float) mean, true);
        out[0] = mean;
        out[1] = 1.0 / Math.sqrt(sq / len + eps);
    }

    /** The sum of x - shift (or of its squares) over x[off, off+len), chunk by chunk. */
    private static double sum(float[] x, int off, int len, float shift, boolean squares) {
        int lanes = S.length();
        FloatVector sv = FloatVector.broadcast(S, shift);
        double total = 0;
        int i = off;
        int end = off + len;
        while (i + lanes <= end) {
            int chunkEnd = Math.min(end - lanes + 1, i + CHUNK);
            FloatVector acc = FloatVector.zero(S);
            for (; i < chunkEnd; i += lanes) {
                FloatVector d = FloatVector.fromArray(S, x, i).sub(sv);
                acc = squares ? d.fma(d, acc) : acc.add(d);
            }
            total += VectorMath.sumLanes(acc);
        }
        for (; i < end; i++) {
            double d = x[i] - (double) shift;
            total += squares ? d * d : d;
        }
        return total;
    }

    /** y[o + i] = (x[o + i] - mean) * inv * a + b for i < len, in vectors (float arithmetic). */
    private static void affine(float[] x, float[] y, int o, int len, double[] st, float a, float b) {
        int lanes = S.length();
        float mean = (float) st[0];
        float inv = (float) st[1];
        FloatVector mv = FloatVector.broadcast(S, mean);
        FloatVector iv = FloatVector.broadcast(S, inv);
        FloatVector av = FloatVector.broadcast(S, a);
        FloatVector bv = FloatVector.broadcast(S, b);
        int i = 0;
        for (; i + lanes <= len; i += lanes) {
            FloatVector.fromArray(S, x, o + i).sub(mv).mul(iv).fma(av, bv).intoArray(y, o + i);
        }
        for (; i < len; i++) {
            y[o + i] = (x[o + i] - mean) * inv * a + b;
        }
    }

    static OpKernel layer(Node node, OpConfig cfg, boolean rms) {
        String op = rms ? "RMSNormalization" : "LayerNormalization";
        // Mean and InvStdDev are optional outputs; without them the rows run in vectors (float statistics).
        boolean statsWanted = node.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty());
        long axisAttr = node.getInt("axis", -1);
        float eps = node.getFloat("epsilon", 1e-5f);
        return (ctx, in) -> {
            Tensor x = FloatIO.require(in[0], op + " input X");
            int[] xs = x.shape();
            int axis = Shapes.axis((int) axisAttr, xs.length, op);
            int[] tail = java.util.Arrays.copyOfRange(xs, axis, xs.length);
            int inner = Shapes.size(tail);
            int outer = inner == 0 ? 0 : x.size() / inner;
            float[] xv = FloatIO.in(x, op + " X");
            float[] scale = FloatIO.expand(FloatIO.require(in[1], op + " Scale"), tail, op + " Scale");
            Tensor bt = rms ? null : FloatIO.optional(in, 2);
            float[] bias = bt == null ? null : FloatIO.expand(bt, tail, op + " B");
            if (!rms && !statsWanted) {
                return new Value[] {FloatIO.out(vectorRows(ctx, xv, outer, inner, scale, bias, eps), x.dtype(), xs)};
            }
            float[] y = new float[xv.length];
            float[] means = new float[outer];
            float[] inv = new float[outer];
            double[] st = new double[2];
            for (int r = 0; r < outer; r++) {
                int off = r * inner;
                stats(xv, off, inner, eps, rms, st);
                means[r] = (float) st[0];
                inv[r] = (float) st[1];
                for (int i = 0; i < inner; i++) {
                    float v = (float) ((xv[off + i] - st[0]) * st[1]) * scale[i];
                    y[off + i] = bias == null ? v : v + bias[i];
                }
            }
            Tensor yt = FloatIO.out(y, x.dtype(), xs);
            if (rms) {
                return new Value[] {yt};
            }
            int[] ms = xs.clone();
            for (int i = axis; i < ms.length; i++) {
                ms[i] = 1;
            }
            return new Value[] {yt, Tensor.of(means, ms), Tensor.of(inv, ms)};
        };
    }

    /** LayerNormalization's Y alone, by the vector rows of the fused op (statistics in float lanes), rows over the threads. */
    private static float[] vectorRows(io.ghostflow.runtime.ops.ExecContext ctx, float[] xv, int outer, int inner,
                                      float[] scale, float[] bias, float eps) {
        float[] y = ctx.floatBuffer(xv.length);
        float[] out = y == xv ? new float[xv.length] : y;
        NormRows.layerNormRows(xv, out, outer, inner, scale, bias, eps, ctx.threads());
        return out;
    }

    static OpKernel instance(Node node, OpConfig cfg) {
        float eps = node.getFloat("epsilon", 1e-5f);
        return (ctx, in) -> {
            Tensor x = FloatIO.require(in[0], "InstanceNormalization input X");
            int[] xs = x.shape();
            int c = xs[1];
            int inner = x.size() / Math.max(1, xs[0] * c);
            float[] xv = FloatIO.in(x, "InstanceNormalization X");
            float[] scale = FloatIO.in(FloatIO.require(in[1], "scale"), "scale");
            float[] bias = FloatIO.in(FloatIO.require(in[2], "B"), "B");
            float[] y = new float[xv.length];
            double[] st = new double[2];
            for (int p = 0; p < xs[0] * c; p++) {
                int ch = p % c;
                int off = p * inner;
                stats(xv, off, inner, eps, false, st);
                affine(xv, y, off, inner, st, scale[ch], bias[ch]);
            }
            return new Value[] {FloatIO.out(y, x.dtype(), xs)};
        };
    }

    /** GroupNormalization: opset 18 has one scale/bias per group, opset 21 one per channel. */
    static OpKernel group(Node node, OpConfig cfg) {
        float eps = node.getFloat("epsilon", 1e-5f);
        int groups = (int) node.requireInt("num_groups");
        boolean perChannel = cfg.sinceVersion() >= 21;
        return (ctx, in) -> {
            Tensor x = FloatIO.require(in[0], "GroupNormalization input X");
            int[] xs = x.shape();
            int n = xs[0];
            int c = xs[1];
            if (groups <= 0 || c % groups != 0) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "GroupNormalization: " + c + " channels do not split into "
                        + groups + " groups");
            }
            int spatial = x.size() / Math.max(1, n * c);
            int cpg = c / groups;
            float[] xv = FloatIO.in(x, "GroupNormalization X");
            float[] scale = FloatIO.in(FloatIO.require(in[1], "scale"), "scale");
            float[] bias = FloatIO.in(FloatIO.require(in[2], "bias"), "bias");
            int need = perChannel ? c : groups;
            if (scale.length != need || bias.length != need) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "GroupNormalization: scale and bias need " + need + " values");
            }
            float[] y = new float[xv.length];
            double[] st = new double[2];
            for (int b = 0; b < n; b++) {
                for (int gi = 0; gi < groups; gi++) {
                    int off = (b * c + gi * cpg) * spatial;
                    stats(xv, off, cpg * spatial, eps, false, st);
                    for (int ci = 0; ci < cpg; ci++) {
                        int ch = gi * cpg + ci;
                        float s = scale[perChannel ? ch : gi];
                        float bb = bias[perChannel ? ch : gi];
                        affine(xv, y, off + ci * spatial, spatial, st, s, bb);
                    }
                }
            }
            return new Value[] {FloatIO.out(y, x.dtype(), xs)};
        };
    }
}
