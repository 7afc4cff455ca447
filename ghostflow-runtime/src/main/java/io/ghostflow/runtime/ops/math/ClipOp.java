package io.ghostflow.runtime.ops.math;

import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/** Clip: bounds are attributes before opset 11, optional scalar inputs from 11 (integer types from 12). */
public final class ClipOp {
    private ClipOp() {
    }

    public static void register(OpRegistry r) {
        r.register("Clip", new int[] {1, 6, 11, 12, 13}, (node, cfg) -> {
            if (cfg.sinceVersion() < 11) {
                double lo = node.getFloat("min", -Float.MAX_VALUE);
                double hi = node.getFloat("max", Float.MAX_VALUE);
                return (ctx, in) -> new Value[] {clip((Tensor) in[0], lo, hi, 0, 0, false)};
            }
            return (ctx, in) -> {
                Tensor x = (Tensor) in[0];
                Tensor min = in.length > 1 ? (Tensor) in[1] : null;
                Tensor max = in.length > 2 ? (Tensor) in[2] : null;
                if (x.dtype().isInteger()) {
                    long lo = min == null ? Long.MIN_VALUE : min.getLong(0);
                    long hi = max == null ? Long.MAX_VALUE : max.getLong(0);
                    return new Value[] {clip(x, 0, 0, lo, hi, true)};
                }
                double lo = min == null ? Double.NEGATIVE_INFINITY : min.getDouble(0);
                double hi = max == null ? Double.POSITIVE_INFINITY : max.getDouble(0);
                return new Value[] {clip(x, lo, hi, 0, 0, false)};
            };
        });
    }

    /** Vectorized FLOAT clip; NaN passes through (min/max with a NaN lane keep the NaN). */
    private static Tensor clipFloats(Tensor x, double lo, double hi) {
        float[] a = x.floats();
        float[] out = new float[a.length];
        // Bounds outside float range saturate to +-infinity like the double comparison would.
        float l = lo < -Float.MAX_VALUE ? Float.NEGATIVE_INFINITY : (float) lo;
        float h = hi > Float.MAX_VALUE ? Float.POSITIVE_INFINITY : (float) hi;
        var s = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
        int i = 0;
        int bound = s.loopBound(a.length);
        for (; i < bound; i += s.length()) {
            jdk.incubator.vector.FloatVector.fromArray(s, a, i).max(l).min(h).intoArray(out, i);
        }
        for (; i < a.length; i++) {
            out[i] = Math.min(Math.max(a[i], l), h);
        }
        return Tensor.of(out, x.shape());
    }

    static Tensor clip(Tensor x, double lo, double hi, long ilo, long ihi, boolean integer) {
        if (integer) {
            boolean u64 = x.dtype() == DType.UINT64;
            return Unary.apply(new Unary.Op("Clip", null, v -> {
                long c = Broadcasting.compareInts(v, ilo, x.dtype()) < 0 && !(u64 && ilo == Long.MIN_VALUE) ? ilo : v;
                return Broadcasting.compareInts(c, ihi, x.dtype()) > 0 && !(u64 && ihi == Long.MAX_VALUE) ? ihi : c;
            }), x);
        }
        if (x.dtype() == DType.FLOAT) {
            return clipFloats(x, lo, hi);
        }
        // NaN passes through: neither comparison holds
        return Unary.apply(Unary.floatOnly("Clip", v -> Math.min(Math.max(v, lo), hi)), x);
    }
}
