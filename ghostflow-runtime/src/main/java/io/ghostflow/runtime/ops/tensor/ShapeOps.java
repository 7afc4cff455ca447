package io.ghostflow.runtime.ops.tensor;

import static io.ghostflow.runtime.ops.tensor.Data.bad;
import static io.ghostflow.runtime.ops.tensor.Data.shape;

import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;

/** Ops that only change the shape (no data copy): Reshape, Flatten, Squeeze, Unsqueeze, plus Shape and Size. */
final class ShapeOps {
    private ShapeOps() {
    }

    static void register(OpRegistry r) {
        r.register("Reshape", new int[] {1, 5, 13, 14, 19, 21, 23, 24, 25}, (node, cfg) -> {
            boolean allowZero = node.getInt("allowzero", 0) != 0;
            long[] attrShape = cfg.sinceVersion() < 5 ? node.getInts("shape", new long[0]) : null;
            return (ctx, in) -> {
                Tensor x = Data.tensor(in[0], "Reshape data");
                long[] spec = attrShape != null ? attrShape : Data.tensor(in[1], "Reshape shape").asLongs();
                return new Value[] {x.reshape(reshapeDims(x.shape(), spec, allowZero))};
            };
        });
        r.register("Flatten", new int[] {1, 9, 11, 13, 21, 23, 24, 25}, (node, cfg) -> {
            long axisAttr = node.getInt("axis", 1);
            return (ctx, in) -> {
                Tensor x = Data.tensor(in[0], "Flatten input");
                int rank = x.rank();
                int axis = (int) (axisAttr < 0 ? axisAttr + rank : axisAttr);
                if (axis < 0 || axis > rank) {
                    throw bad("Flatten: axis " + axisAttr + " out of range for rank " + rank);
                }
                int[] s = x.shape();
                int a = Shapes.size(Arrays.copyOfRange(s, 0, axis));
                return new Value[] {x.reshape(a, Shapes.size(Arrays.copyOfRange(s, axis, rank)))};
            };
        });
        r.register("Squeeze", new int[] {1, 11, 13, 21, 23, 24, 25}, (node, cfg) -> {
            long[] attrAxes = cfg.sinceVersion() < 13 ? node.getInts("axes", null) : null;
            boolean fromInput = cfg.sinceVersion() >= 13;
            return (ctx, in) -> {
                Tensor x = Data.tensor(in[0], "Squeeze data");
                long[] axes = fromInput ? (in.length > 1 && in[1] != null ? Data.tensor(in[1], "axes").asLongs() : null) : attrAxes;
                int[] s = x.shape();
                boolean[] drop = new boolean[s.length];
                if (axes == null) {
                    for (int i = 0; i < s.length; i++) {
                        drop[i] = s[i] == 1;
                    }
                } else {
                    for (long a : axes) {
                        int ax = Shapes.axis((int) a, s.length, "Squeeze");
                        if (s[ax] != 1) {
                            throw shape("Squeeze: dimension " + ax + " of shape " + Arrays.toString(s) + " is not 1");
                        }
                        drop[ax] = true;
                    }
                }
                int[] out = new int[s.length];
                int k = 0;
                for (int i = 0; i < s.length; i++) {
                    if (!drop[i]) {
                        out[k++] = s[i];
                    }
                }
                return new Value[] {x.reshape(Arrays.copyOf(out, k))};
            };
        });
        r.register("Unsqueeze", new int[] {1, 11, 13, 21, 23, 24, 25}, (node, cfg) -> {
            long[] attrAxes = cfg.sinceVersion() < 13 ? node.getInts("axes", new long[0]) : null;
            return (ctx, in) -> {
                Tensor x = Data.tensor(in[0], "Unsqueeze data");
                long[] axes = attrAxes != null ? attrAxes : Data.tensor(in[1], "Unsqueeze axes").asLongs();
                int[] s = x.shape();
                int rank = s.length + axes.length;
                boolean[] ins = new boolean[rank];
                for (long a : axes) {
                    int ax = Shapes.axis((int) a, rank, "Unsqueeze");
                    if (ins[ax]) {
                        throw bad("Unsqueeze: axis " + a + " repeated");
                    }
                    ins[ax] = true;
                }
                int[] out = new int[rank];
                int k = 0;
                for (int i = 0; i < rank; i++) {
                    out[i] = ins[i] ? 1 : s[k++];
                }
                return new Value[] {x.reshape(out)};
            };
        });
        r.register("Shape", new int[] {1, 13, 15, 19, 21, 23, 24, 25}, (node, cfg) -> {
            long start = node.getInt("start", 0);
            Long end = node.has("end") ? node.getInt("end", 0) : null;
            return (ctx, in) -> {
                int[] s = Data.tensor(in[0], "Shape data").shape();
                int n = s.length;
                int b = (int) clamp(start < 0 ? start + n : start, 0, n);
                int e = end == null ? n : (int) clamp(end < 0 ? end + n : end, 0, n);
                long[] out = e > b ? Shapes.toLongs(Arrays.copyOfRange(s, b, e)) : new long[0];
                return new Value[] {Tensor.ofLongs(out, out.length)};
            };
        });
        r.register("Size", new int[] {1, 13, 19, 21, 23, 24, 25}, (node, cfg) ->
                (ctx, in) -> new Value[] {Tensor.ofLongs(new long[] {Data.tensor(in[0], "Size data").size()})});
    }

    static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Reshape's target: 0 copies the input dim (unless allowzero), one -1 is inferred. */
    static int[] reshapeDims(int[] in, long[] spec, boolean allowZero) {
        int[] out = new int[spec.length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < spec.length; i++) {
            long d = spec[i];
            if (d == -1) {
                if (infer >= 0) {
                    throw bad("Reshape: more than one -1 in shape " + Arrays.toString(spec));
                }
                infer = i;
                continue;
            }
            if (d == 0 && !allowZero) {
                if (i >= in.length) {
                    throw shape("Reshape: 0 at position " + i + " but input has rank " + in.length);
                }
                d = in[i];
            }
            if (d < 0) {
                throw bad("Reshape: invalid dimension " + d + " in " + Arrays.toString(spec));
            }
            out[i] = Shapes.toIntDim(d, "Reshape");
            known *= out[i];
        }
        int total = Shapes.size(in);
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw shape("Reshape: cannot infer -1 reshaping " + Arrays.toString(in) + " to " + Arrays.toString(spec));
            }
            out[infer] = (int) (total / known);
        } else if (known != total) {
            throw shape("Reshape: cannot reshape " + Arrays.toString(in) + " to " + Arrays.toString(spec));
        }
        return out;
    }

    static boolean isInt(DType d) {
        return d.isInteger();
    }
}
