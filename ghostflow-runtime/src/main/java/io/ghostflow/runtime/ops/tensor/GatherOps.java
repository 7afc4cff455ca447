package io.ghostflow.runtime.ops.tensor;

import static io.ghostflow.runtime.ops.tensor.Data.bad;
import static io.ghostflow.runtime.ops.tensor.Data.shape;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;

/** Indexed reads and writes: Gather, GatherElements, GatherND, Scatter, ScatterElements, ScatterND. */
public final class GatherOps {
    private GatherOps() {
    }

    static void register(OpRegistry r) {
        r.register("Gather", new int[] {1, 11, 13}, (node, cfg) -> {
            long axis = node.getInt("axis", 0);
            return (ctx, in) -> new Value[] {gather(Data.tensor(in[0], "Gather data"), Data.tensor(in[1], "Gather indices"), (int) axis,
                    ctx::floatBuffer)};
        });
        r.register("GatherElements", new int[] {11, 13}, (node, cfg) -> {
            long axis = node.getInt("axis", 0);
            return (ctx, in) -> new Value[] {gatherElements(Data.tensor(in[0], "data"), Data.tensor(in[1], "indices"), (int) axis)};
        });
        r.register("GatherND", new int[] {11, 12, 13}, (node, cfg) -> {
            int b = (int) node.getInt("batch_dims", 0);
            return (ctx, in) -> new Value[] {gatherND(Data.tensor(in[0], "data"), Data.tensor(in[1], "indices"), b)};
        });
        r.register("Scatter", new int[] {9, 11}, (node, cfg) -> {
            long axis = node.getInt("axis", 0);
            return (ctx, in) -> new Value[] {scatterElements(Data.tensor(in[0], "data"), Data.tensor(in[1], "indices"),
                    Data.tensor(in[2], "updates"), (int) axis, Reduction.NONE)};
        });
        r.register("ScatterElements", new int[] {11, 13, 16, 18}, (node, cfg) -> {
            long axis = node.getInt("axis", 0);
            Reduction red = Reduction.parse(node.getString("reduction", "none"));
            return (ctx, in) -> new Value[] {scatterElements(Data.tensor(in[0], "data"), Data.tensor(in[1], "indices"),
                    Data.tensor(in[2], "updates"), (int) axis, red)};
        });
        r.register("ScatterND", new int[] {11, 13, 16, 18}, (node, cfg) -> {
            Reduction red = Reduction.parse(node.getString("reduction", "none"));
            return (ctx, in) -> new Value[] {scatterND(Data.tensor(in[0], "data"), Data.tensor(in[1], "indices"),
                    Data.tensor(in[2], "updates"), red)};
        });
    }

    static int index(long i, int dim, String what) {
        long v = i < 0 ? i + dim : i;
        if (v < 0 || v >= dim) {
            throw bad(what + ": index " + i + " out of range [" + (-dim) + ", " + (dim - 1) + "]");
        }
        return (int) v;
    }

    public static Tensor gather(Tensor x, Tensor idx, int axisAttr) {
        return gather(x, idx, axisAttr, null);
    }

    /** Gather whose FLOAT output comes from {@code floatBuffer} (the session's pool) when given; every element is written. */
    public static Tensor gather(Tensor x, Tensor idx, int axisAttr, java.util.function.IntFunction<float[]> floatBuffer) {
        int[] s = x.shape();
        int axis = Shapes.axis(axisAttr, s.length, "Gather");
        long[] ind = idx.asLongs();
        int[] out = new int[s.length - 1 + idx.rank()];
        System.arraycopy(s, 0, out, 0, axis);
        System.arraycopy(idx.shape(), 0, out, axis, idx.rank());
        System.arraycopy(s, axis + 1, out, axis + idx.rank(), s.length - axis - 1);
        int outer = Shapes.size(Arrays.copyOfRange(s, 0, axis));
        int inner = Shapes.size(Arrays.copyOfRange(s, axis + 1, s.length));
        int dim = s[axis];
        Object src = Data.array(x);
        int outSize = Shapes.size(out);
        Object dst = floatBuffer != null && x.dtype() == DType.FLOAT ? floatBuffer.apply(outSize) : null;
        if (dst == null || dst == src) {
            dst = Data.alloc(x.dtype(), outSize);
        }
        int[] pos = new int[ind.length];
        for (int j = 0; j < ind.length; j++) {
            pos[j] = index(ind[j], dim, "Gather");
        }
        int d = 0;
        for (int o = 0; o < outer; o++) {
            int base = o * dim * inner;
            if (inner == 1) {
                for (int j = 0; j < pos.length; j++) {
                    pos[j] += base;
                }
                Data.take(src, pos, dst, d, pos.length);
                for (int j = 0; j < pos.length; j++) {
                    pos[j] -= base;
                }
                d += pos.length;
            } else {
                for (int p : pos) {
                    System.arraycopy(src, base + p * inner, dst, d, inner);
                    d += inner;
                }
            }
        }
        return Data.wrap(x.dtype(), dst, out);
    }

    static Tensor gatherElements(Tensor x, Tensor idx, int axisAttr) {
        int[] s = x.shape();
        int rank = s.length;
        int axis = Shapes.axis(axisAttr, rank, "GatherElements");
        if (idx.rank() != rank) {
            throw shape("GatherElements: indices rank " + idx.rank() + " differs from data rank " + rank);
        }
        int[] is = idx.shape();
        long[] ind = idx.asLongs();
        int[] st = Shapes.strides(s);
        int n = ind.length;
        int[] map = new int[n];
        int[] ctr = new int[rank];
        for (int i = 0; i < n; i++) {
            int off = 0;
            for (int k = 0; k < rank; k++) {
                off += (k == axis ? index(ind[i], s[axis], "GatherElements") : ctr[k]) * st[k];
            }
            map[i] = off;
            for (int k = rank - 1; k >= 0; k--) {
                if (++ctr[k] < is[k]) {
                    break;
                }
                ctr[k] = 0;
            }
        }
        Object dst = Data.alloc(x.dtype(), n);
        Data.take(Data.array(x), map, dst, 0, n);
        return Data.wrap(x.dtype(), dst, is);
    }

    static Tensor gatherND(Tensor x, Tensor idx, int b) {
        int[] s = x.shape();
        int[] is = idx.shape();
        int q = is.length;
        int k = is[q - 1];
        if (b + k > s.length) {
            throw shape("GatherND: index depth " + k + " + batch_dims " + b + " exceeds data rank " + s.length);
        }
        int batch = Shapes.size(Arrays.copyOfRange(s, 0, b));
        int[] out = Shapes.concat(Arrays.copyOfRange(is, 0, q - 1), Arrays.copyOfRange(s, b + k, s.length));
        int slice = Shapes.size(Arrays.copyOfRange(s, b + k, s.length));
        int perBatchData = Shapes.size(Arrays.copyOfRange(s, b, s.length));
        int nIdx = Shapes.size(Arrays.copyOfRange(is, 0, q - 1));
        int perBatchIdx = nIdx / Math.max(batch, 1);
        int[] st = Shapes.strides(s);
        long[] ind = idx.asLongs();
        Object src = Data.array(x);
        Object dst = Data.alloc(x.dtype(), Shapes.size(out));
        for (int i = 0; i < nIdx; i++) {
            int bi = perBatchIdx == 0 ? 0 : i / perBatchIdx;
            int off = bi * perBatchData;
            for (int j = 0; j < k; j++) {
                off += index(ind[i * k + j], s[b + j], "GatherND") * st[b + j];
            }
            System.arraycopy(src, off, dst, i * slice, slice);
        }
        return Data.wrap(x.dtype(), dst, out);
    }

    enum Reduction {
        NONE, ADD, MUL, MAX, MIN;

        static Reduction parse(String s) {
            return switch (s) {
                case "none" -> NONE;
                case "add" -> ADD;
                case "mul" -> MUL;
                case "max" -> MAX;
                case "min" -> MIN;
                default -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "scatter reduction '" + s + "'");
            };
        }
    }

    /** out[off] = reduce(out[off], upd[u]), in the dtype's arithmetic. */
    private static void apply(Tensor out, int off, Tensor upd, int u, Reduction red, Object outArr, Object updArr) {
        if (red == Reduction.NONE) {
            System.arraycopy(updArr, u, outArr, off, 1);
            return;
        }
        if (out.dtype().isFloatingPoint()) {
            double a = out.getDouble(off);
            double b = upd.getDouble(u);
            out.setDouble(off, switch (red) {
                case ADD -> a + b;
                case MUL -> a * b;
                case MAX -> Math.max(a, b);
                case MIN -> Math.min(a, b);
                default -> b;
            });
        } else {
            long a = out.getLong(off);
            long b = upd.getLong(u);
            out.setLong(off, switch (red) {
                case ADD -> a + b;
                case MUL -> a * b;
                case MAX -> out.dtype().isSigned() ? Math.max(a, b) : (Long.compareUnsigned(a, b) >= 0 ? a : b);
                case MIN -> out.dtype().isSigned() ? Math.min(a, b) : (Long.compareUnsigned(a, b) <= 0 ? a : b);
                default -> b;
            });
        }
    }

    static Tensor scatterElements(Tensor x, Tensor idx, Tensor upd, int axisAttr, Reduction red) {
        int[] s = x.shape();
        int rank = s.length;
        int axis = Shapes.axis(axisAttr, rank, "ScatterElements");
        int[] is = idx.shape();
        if (!Arrays.equals(is, upd.shape())) {
            throw shape("ScatterElements: indices " + Arrays.toString(is) + " and updates " + Arrays.toString(upd.shape()) + " differ");
        }
        Tensor out = x.copy();
        Object outArr = Data.array(out);
        Object updArr = Data.array(upd);
        long[] ind = idx.asLongs();
        int[] st = Shapes.strides(s);
        int[] ctr = new int[rank];
        for (int i = 0; i < ind.length; i++) {
            int off = 0;
            for (int k = 0; k < rank; k++) {
                off += (k == axis ? index(ind[i], s[axis], "ScatterElements") : ctr[k]) * st[k];
            }
            apply(out, off, upd, i, red, outArr, updArr);
            for (int k = rank - 1; k >= 0; k--) {
                if (++ctr[k] < is[k]) {
                    break;
                }
                ctr[k] = 0;
            }
        }
        return out;
    }

    static Tensor scatterND(Tensor x, Tensor idx, Tensor upd, Reduction red) {
        int[] s = x.shape();
        int[] is = idx.shape();
        int k = is[is.length - 1];
        int slice = Shapes.size(Arrays.copyOfRange(s, k, s.length));
        int n = Shapes.size(Arrays.copyOfRange(is, 0, is.length - 1));
        int[] st = Shapes.strides(s);
        Tensor out = x.copy();
        Object outArr = Data.array(out);
        Object updArr = Data.array(upd);
        long[] ind = idx.asLongs();
        for (int i = 0; i < n; i++) {
            int off = 0;
            for (int j = 0; j < k; j++) {
                off += index(ind[i * k + j], s[j], "ScatterND") * st[j];
            }
            if (red == Reduction.NONE) {
                System.arraycopy(updArr, i * slice, outArr, off, slice);
            } else {
                for (int e = 0; e < slice; e++) {
                    apply(out, off + e, upd, i * slice + e, red, outArr, updArr);
                }
            }
        }
        return out;
    }
}
