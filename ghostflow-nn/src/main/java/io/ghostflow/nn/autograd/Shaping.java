package io.ghostflow.nn.autograd;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.nn.ops.Ops;
import io.ghostflow.tensor.Tensor;
import java.util.SplittableRandom;

/** Flatten, dropout and embedding lookup. */
public final class Shaping {
    private Shaping() {
    }

    /** [N, d1, d2, ...] -> [N, d1*d2*...] through the Flatten kernel (axis 1). */
    public static Var flatten(Var x) {
        Tensor y = Ops.run1("Flatten", Ops.attrs("axis", 1), x.toTensor());
        return Var.result(y.floats(), y.shape(), x::accumulate, x);
    }

    /** Inverted dropout: zeroes with probability p and scales the rest by 1/(1-p). */
    public static Var dropout(Var x, float p, SplittableRandom rng) {
        float keep = 1 - p;
        float[] mask = new float[x.size()];
        float[] y = new float[x.size()];
        float[] xs = x.data();
        for (int i = 0; i < mask.length; i++) {
            mask[i] = rng.nextDouble() < p ? 0f : 1f / keep;
            y[i] = xs[i] * mask[i];
        }
        return Var.result(y, x.shape(), g -> {
            float[] dx = x.gradBuffer();
            for (int i = 0; i < dx.length; i++) {
                dx[i] += g[i] * mask[i];
            }
        }, x);
    }

    /** Rows of {@code table} [V, D] picked by integer ids (held as floats in {@code ids}): the Gather kernel. */
    public static Var embedding(Var ids, Var table, String layer) {
        int v = table.dim(0);
        int d = table.dim(1);
        float[] raw = ids.data();
        long[] idx = new long[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] != Math.rint(raw[i]) || raw[i] < 0 || raw[i] >= v) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT,
                        layer + ": id " + raw[i] + " at position " + i + " is not an integer in [0, " + v + ")");
            }
            idx[i] = (long) raw[i];
        }
        Tensor y = Ops.run1("Gather", Ops.attrs("axis", 0), table.toTensor(), Tensor.ofLongs(idx, ids.shape()));
        return Var.result(y.floats(), y.shape(), g -> {
            float[] dt = table.gradBuffer();
            for (int i = 0; i < idx.length; i++) {
                int row = (int) idx[i] * d;
                for (int j = 0; j < d; j++) {
                    dt[row + j] += g[i * d + j];
                }
            }
        }, table);
    }
}
