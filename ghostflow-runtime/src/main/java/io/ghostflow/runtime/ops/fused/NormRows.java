package io.ghostflow.runtime.ops.fused;

import io.ghostflow.kernels.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-wise layer normalization in vector loops. Each row's statistics and output are computed in
 * this one method with no vector passed across a call (a vector crossing a call the JIT does not
 * inline is boxed on the heap); ragged row tails run scalar.
 */
public final class NormRows {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private NormRows() {
    }

    /** {@link #layerNorm} over all {@code rows}, split over the threads when there are enough rows. */
    public static void layerNormRows(float[] x, float[] out, int rows, int len, float[] g, float[] b, float eps,
                                     int threads) {
        if (threads <= 1 || rows < 32) {
            layerNorm(x, out, 0, rows, len, g, b, eps);
        } else {
            io.ghostflow.core.Parallel.forRange(threads, rows, 16, (r0, r1) -> layerNorm(x, out, r0, r1, len, g, b, eps));
        }
    }

    /**
     * out[r * len + i] = (x - mean_r) / sqrt(var_r + eps) * g[i] (+ b[i]) for rows [r0, r1), with
     * the biased (population) variance computed from the centred values (two passes, no
     * cancellation).
     */
    static void layerNorm(float[] x, float[] out, int r0, int r1, int len, float[] g, float[] b, float eps) {
        int bound = S.loopBound(len);
        for (int r = r0; r < r1; r++) {
            int base = r * len;
            FloatVector acc = FloatVector.zero(S);
            int i = 0;
            for (; i < bound; i += L) {
                acc = acc.add(FloatVector.fromArray(S, x, base + i));
            }
            float sum = VectorMath.sumLanes(acc);
            for (; i < len; i++) {
                sum += x[base + i];
            }
            float mean = sum / len;
            FloatVector mv = FloatVector.broadcast(S, mean);
            FloatVector sq = FloatVector.zero(S);
            for (i = 0; i < bound; i += L) {
                FloatVector d = FloatVector.fromArray(S, x, base + i).sub(mv);
                sq = d.fma(d, sq);
            }
            float var = VectorMath.sumLanes(sq);
            for (; i < len; i++) {
                float d = x[base + i] - mean;
                var += d * d;
            }
            float inv = (float) (1.0 / Math.sqrt(var / len + eps));
            FloatVector iv = FloatVector.broadcast(S, inv);
            if (b != null) {
                for (i = 0; i < bound; i += L) {
                    FloatVector.fromArray(S, x, base + i).sub(mv).mul(iv)
                            .fma(FloatVector.fromArray(S, g, i), FloatVector.fromArray(S, b, i)).intoArray(out, base + i);
                }
                for (; i < len; i++) {
                    out[base + i] = (x[base + i] - mean) * inv * g[i] + b[i];
                }
            } else {
                for (i = 0; i < bound; i += L) {
                    FloatVector.fromArray(S, x, base + i).sub(mv).mul(iv).mul(FloatVector.fromArray(S, g, i))
                            .intoArray(out, base + i);
                }
                for (; i < len; i++) {
                    out[base + i] = (x[base + i] - mean) * inv * g[i];
                }
            }
        }
    }
}
