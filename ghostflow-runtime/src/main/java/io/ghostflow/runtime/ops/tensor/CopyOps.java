package io.ghostflow.runtime.ops.tensor;

import static io.ghostflow.runtime.ops.tensor.Data.bad;
import static io.ghostflow.runtime.ops.tensor.Data.shape;

import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;

/** Ops that copy strided views: Transpose, Concat, Split, Slice, Expand, Tile, ConstantOfShape. */
public final class CopyOps {
    private CopyOps() {
    }

    static void register(OpRegistry r) {
        r.register("Transpose", new int[] {1, 13, 21, 23, 24, 25}, (node, cfg) -> {
            long[] perm = node.getInts("perm", null);
            return (ctx, in) -> new Value[] {transpose(Data.tensor(in[0], "Transpose data"), perm, ctx::floatBuffer)};
        });
        r.register("Concat", new int[] {1, 4, 11, 13, 23, 24, 25}, (node, cfg) -> {
            long axis = node.getInt("axis", cfg.sinceVersion() < 4 ? 1 : Long.MIN_VALUE);
            if (axis == Long.MIN_VALUE) {
                throw Data.badGraph("Concat: missing attribute 'axis'");
            }
            return (ctx, in) -> {
                Tensor[] ts = new Tensor[in.length];
                for (int i = 0; i < in.length; i++) {
                    ts[i] = Data.tensor(in[i], "Concat input " + i);
                }
                return new Value[] {concat(ts, (int) axis, ctx::floatBuffer)};
            };
        });
        r.register("Split", new int[] {1, 2, 11, 13, 18}, (node, cfg) -> {
            int v = cfg.sinceVersion();
            long axisAttr = node.getInt("axis", 0);
            long[] splitAttr = v < 13 ? node.getInts("split", null) : null;
            long numOutputs = node.getInt("num_outputs", 0);
            int nOut = node.outputs().size();
            if (v >= 18 && node.has("num_outputs") && numOutputs != nOut) {
                throw Data.badGraph("Split: num_outputs " + numOutputs + " does not match " + nOut + " outputs");
            }
            return (ctx, in) -> {
                Tensor x = Data.tensor(in[0], "Split input");
                int axis = Shapes.axis((int) axisAttr, x.rank(), "Split");
                long[] split = splitAttr;
                if (split == null && in.length > 1 && in[1] != null) {
                    split = Data.tensor(in[1], "Split split").asLongs();
                }
                int dim = x.dim(axis);
                int[] sizes = new int[nOut];
                if (split != null) {
                    if (split.length != nOut) {
                        throw bad("Split: " + split.length + " split sizes for " + nOut + " outputs");
                    }
                    long sum = 0;
                    for (int i = 0; i < nOut; i++) {
                        sizes[i] = Shapes.toIntDim(split[i], "Split");
                        sum += split[i];
                    }
                    if (sum != dim) {
                        throw shape("Split: sizes " + Arrays.toString(split) + " do not add up to dimension " + dim);
                    }
                } else if (v >= 18) {
                    int chunk = (dim + nOut - 1) / nOut;
                    int left = dim;
                    for (int i = 0; i < nOut; i++) {
                        sizes[i] = Math.min(chunk, left);
                        left -= sizes[i];
                    }
                } else {
                    if (dim % nOut != 0) {
                        throw shape("Split: dimension " + dim + " does not split evenly into " + nOut);
                    }
                    Arrays.fill(sizes, dim / nOut);
                }
                return split(x, axis, sizes);
            };
        });
        r.register("Slice", new int[] {1, 10, 11, 13}, (node, cfg) -> {
            boolean attrs = cfg.sinceVersion() < 10;
            long[] aStarts = attrs ? node.getInts("starts", null) : null;
            long[] aEnds = attrs ? node.getInts("ends", null) : null;
            long[] aAxes = attrs ? node.getInts("axes", null) : null;
            return (ctx, in) -> {
                Tensor x = Data.tensor(in[0], "Slice data");
                long[] starts = attrs ? aStarts : Data.tensor(in[1], "starts").asLongs();
                long[] ends = attrs ? aEnds : Data.tensor(in[2], "ends").asLongs();
                long[] axes = attrs ? aAxes : (in.length > 3 && in[3] != null ? Data.tensor(in[3], "axes").asLongs() : null);
                long[] steps = !attrs && in.length > 4 && in[4] != null ? Data.tensor(in[4], "steps").asLongs() : null;
                return new Value[] {slice(x, starts, ends, axes, steps)};
            };
        });
        r.register("Expand", new int[] {8, 13}, (node, cfg) -> (ctx, in) -> {
            Tensor x = Data.tensor(in[0], "Expand input");
            long[] s = Data.tensor(in[1], "Expand shape").asLongs();
            int[] target = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                target[i] = (int) s[i];
            }
            int[] out = Shapes.broadcast(x.shape(), target);
            return new Value[] {broadcastTo(x, out)};
        });
        r.register("Tile", new int[] {1, 6, 13}, (node, cfg) -> (ctx, in) -> {
            Tensor x = Data.tensor(in[0], "Tile input");
            long[] reps = Data.tensor(in[1], "Tile repeats").asLongs();
            if (reps.length != x.rank()) {
                throw shape("Tile: " + reps.length + " repeats for rank " + x.rank());
            }
            int rank = x.rank();
            int[] s = x.shape();
            int[] st = Shapes.strides(s);
            int[] vs = new int[2 * rank];
            int[] vst = new int[2 * rank];
            int[] out = new int[rank];
            for (int i = 0; i < rank; i++) {
                vs[2 * i] = Shapes.toIntDim(reps[i], "Tile");
                vs[2 * i + 1] = s[i];
                vst[2 * i + 1] = st[i];
                out[i] = s[i] * vs[2 * i];
            }
            Object dst = Data.alloc(x.dtype(), Shapes.size(out));
            Data.stridedCopy(Data.array(x), 0, vst, dst, 0, vs);
            return new Value[] {Data.wrap(x.dtype(), dst, out)};
        });
        r.register("ConstantOfShape", new int[] {9, 20, 21, 23, 24, 25}, (node, cfg) -> {
            Tensor value = node.getTensor("value");
            Tensor v = value == null ? Tensor.of(new float[1], 1) : value;
            if (v.size() != 1) {
                throw Data.badGraph("ConstantOfShape: 'value' must hold one element");
            }
            Object one = Data.array(v);
            return (ctx, in) -> {
                int[] s = Data.intShape(Data.tensor(in[0], "ConstantOfShape input"), "ConstantOfShape");
                int n = Shapes.size(s);
                Object dst = Data.alloc(v.dtype(), n);
                Data.fill(one, 0, dst, 0, n);
                return new Value[] {Data.wrap(v.dtype(), dst, s)};
            };
        });
    }

    static Tensor transpose(Tensor x, long[] perm) {
        return transpose(x, perm, null);
    }

    /** Transpose whose FLOAT output comes from {@code floatBuffer} (the session's pool) when given; every element is written. */
    static Tensor transpose(Tensor x, long[] perm, java.util.function.IntFunction<float[]> floatBuffer) {
        int rank = x.rank();
        int[] p = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = perm == null ? rank - 1 - i : (int) perm[i];
            if (p[i] < 0) {
                p[i] += rank;
            }
            if (p[i] < 0 || p[i] >= rank || seen[p[i]]) {
                throw bad("Transpose: invalid perm " + Arrays.toString(perm) + " for rank " + rank);
            }
            seen[p[i]] = true;
        }
        if (perm != null && perm.length != rank) {
            throw bad("Transpose: perm " + Arrays.toString(perm) + " does not match rank " + rank);
        }
        int[] s = x.shape();
        int[] st = Shapes.strides(s);
        int[] os = new int[rank];
        int[] ost = new int[rank];
        for (int i = 0; i < rank; i++) {
            os[i] = s[p[i]];
            ost[i] = st[p[i]];
        }
        Object src = Data.array(x);
        Object dst = floatBuffer != null && x.dtype() == DType.FLOAT ? floatBuffer.apply(x.size()) : null;
        if (dst == null || dst == src) {
            dst = Data.alloc(x.dtype(), x.size());
        }
        Data.stridedCopy(src, 0, ost, dst, 0, os);
        return Data.wrap(x.dtype(), dst, os);
    }

    static Tensor broadcastTo(Tensor x, int[] out) {
        if (Arrays.equals(out, x.shape())) {
            return x;
        }
        Object dst = Data.alloc(x.dtype(), Shapes.size(out));
        Data.stridedCopy(Data.array(x), 0, Shapes.broadcastStrides(x.shape(), out), dst, 0, out);
        return Data.wrap(x.dtype(), dst, out);
    }

    public static Tensor concat(Tensor[] ts, int axisAttr) {
        return concat(ts, axisAttr, null);
    }

    /** Concat whose FLOAT output comes from {@code floatBuffer} (the session's pool) when given. */
    public static Tensor concat(Tensor[] ts, int axisAttr, java.util.function.IntFunction<float[]> floatBuffer) {
        Tensor first = ts[0];
        int rank = first.rank();
        int axis = Shapes.axis(axisAttr, rank, "Concat");
        int[] out = first.shape();
        int total = 0;
        for (Tensor t : ts) {
            if (t.rank() != rank || t.dtype() != first.dtype()) {
                throw shape("Concat: input " + t.dtype() + Arrays.toString(t.shape()) + " does not match "
                        + first.dtype() + Arrays.toString(out));
            }
            for (int d = 0; d < rank; d++) {
                if (d != axis && t.dim(d) != out[d]) {
                    throw shape("Concat: input shape " + Arrays.toString(t.shape()) + " does not match " + Arrays.toString(out) + " off axis " + axis);
                }
            }
            total += t.dim(axis);
        }
        out[axis] = total;
        int outer = Shapes.size(Arrays.copyOfRange(out, 0, axis));
        int inner = Shapes.size(Arrays.copyOfRange(out, axis + 1, rank));
        Object dst = floatBuffer != null && first.dtype() == io.ghostflow.tensor.DType.FLOAT
                ? floatBuffer.apply(Shapes.size(out)) : Data.alloc(first.dtype(), Shapes.size(out));
        for (Tensor t : ts) {
            // every element is written below, but not from an input's own storage
            if (t.size() > 0 && Data.array(t) == dst) {
                dst = Data.alloc(first.dtype(), Shapes.size(out));
            }
        }
        int rowOut = total * inner;
        int off = 0;
        for (Tensor t : ts) {
            int block = t.dim(axis) * inner;
            if (block == 0) {
                continue;
            }
            Object src = Data.array(t);
            for (int o = 0; o < outer; o++) {
                System.arraycopy(src, o * block, dst, o * rowOut + off, block);
            }
            off += block;
        }
        return Data.wrap(first.dtype(), dst, out);
    }

    public static Value[] split(Tensor x, int axis, int[] sizes) {
        int[] s = x.shape();
        int outer = Shapes.size(Arrays.copyOfRange(s, 0, axis));
        int inner = Shapes.size(Arrays.copyOfRange(s, axis + 1, s.length));
        int row = s[axis] * inner;
        Object src = Data.array(x);
        Value[] outs = new Value[sizes.length];
        int off = 0;
        for (int i = 0; i < sizes.length; i++) {
            int[] os = s.clone();
            os[axis] = sizes[i];
            int block = sizes[i] * inner;
            Object dst = Data.alloc(x.dtype(), outer * block);
            for (int o = 0; o < outer; o++) {
                System.arraycopy(src, o * row + off, dst, o * block, block);
            }
            off += block;
            outs[i] = Data.wrap(x.dtype(), dst, os);
        }
        return outs;
    }

    public static Tensor slice(Tensor x, long[] starts, long[] ends, long[] axes, long[] steps) {
        int rank = x.rank();
        int[] s = x.shape();
        if (starts.length != ends.length || (axes != null && axes.length != starts.length) || (steps != null && steps.length != starts.length)) {
            throw bad("Slice: starts/ends/axes/steps lengths differ");
        }
        int[] st = Shapes.strides(s);
        int[] os = s.clone();
        int[] ost = st.clone();
        int off = 0;
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < starts.length; i++) {
            int ax = Shapes.axis(axes == null ? i : (int) axes[i], rank, "Slice");
            if (seen[ax]) {
                throw bad("Slice: axis " + ax + " repeated");
            }
            seen[ax] = true;
            long step = steps == null ? 1 : steps[i];
            if (step == 0) {
                throw bad("Slice: step 0");
            }
            long dim = s[ax];
            long b = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            long count;
            if (step > 0) {
                b = ShapeOps.clamp(b, 0, dim);
                e = ShapeOps.clamp(e, 0, dim);
                count = e > b ? (e - b + step - 1) / step : 0;
            } else {
                b = ShapeOps.clamp(b, 0, dim - 1);
                e = ShapeOps.clamp(e, -1, dim - 1);
                count = b > e ? (b - e + (-step) - 1) / (-step) : 0;
            }
            os[ax] = (int) count;
            if (count > 0) {
                off += (int) b * st[ax];
            }
            ost[ax] = (int) (st[ax] * step);
        }
        int n = Shapes.size(os);
        Object dst = Data.alloc(x.dtype(), n);
        if (n > 0) {
            Data.stridedCopy(Data.array(x), off, ost, dst, 0, os);
        }
        return Data.wrap(x.dtype(), dst, os);
    }

    static boolean sameType(Tensor a, DType d) {
        return a.dtype() == d;
    }
}
