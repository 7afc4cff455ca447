package io.ghostflow.runtime.ops.tensor;

import static io.ghostflow.runtime.ops.tensor.Data.bad;

import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;

/** Ordering ops: TopK and Unique. */
final class SortOps {
    private SortOps() {
    }

    static void register(OpRegistry r) {
        r.register("TopK", new int[] {1, 10, 11, 24}, (node, cfg) -> {
            long axisAttr = node.getInt("axis", -1);
            boolean largest = node.getInt("largest", 1) != 0;
            boolean sorted = node.getInt("sorted", 1) != 0;
            long kAttr = cfg.sinceVersion() < 10 ? node.requireInt("k") : -1;
            return (ctx, in) -> {
                Tensor x = Data.tensor(in[0], "TopK input");
                long k = kAttr >= 0 ? kAttr : Data.tensor(in[1], "K").getLong(0);
                return topK(x, (int) axisAttr, k, largest, sorted);
            };
        });
        r.register("Unique", new int[] {11}, (node, cfg) -> {
            boolean sorted = node.getInt("sorted", 1) != 0;
            Long axis = node.has("axis") ? node.getInt("axis", 0) : null;
            return (ctx, in) -> unique(Data.tensor(in[0], "Unique input"), axis, sorted);
        });
    }

    static Value[] topK(Tensor x, int axisAttr, long kl, boolean largest, boolean sorted) {
        int[] s = x.shape();
        int axis = Shapes.axis(axisAttr, s.length, "TopK");
        int dim = s[axis];
        if (kl < 0 || kl > dim) {
            throw bad("TopK: k " + kl + " out of range for dimension " + dim);
        }
        int k = (int) kl;
        int outer = Shapes.size(Arrays.copyOfRange(s, 0, axis));
        int inner = Shapes.size(Arrays.copyOfRange(s, axis + 1, s.length));
        int[] os = s.clone();
        os[axis] = k;
        Tensor vals = Tensor.zeros(x.dtype(), os);
        long[] idx = new long[Shapes.size(os)];
        Object src = Data.array(x);
        Object dst = Data.array(vals);
        double[] v = new double[dim];
        Integer[] order = new Integer[dim];
        boolean isInt = !x.dtype().isFloatingPoint();
        long[] lv = isInt ? new long[dim] : null;
        Comparator<Integer> cmp = isInt
                ? (a, b) -> {
                    int c = Long.compare(lv[a], lv[b]);
                    return c != 0 ? (largest ? -c : c) : Integer.compare(a, b);
                }
                : (a, b) -> {
                    int c = Double.compare(v[a], v[b]);
                    return c != 0 ? (largest ? -c : c) : Integer.compare(a, b);
                };
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * dim * inner + i;
                for (int j = 0; j < dim; j++) {
                    order[j] = j;
                    if (isInt) {
                        lv[j] = x.getLong(base + j * inner);
                    } else {
                        v[j] = x.getDouble(base + j * inner);
                    }
                }
                Arrays.sort(order, cmp);
                // unsorted output is allowed any order; we keep the sorted one
                int ob = o * k * inner + i;
                for (int j = 0; j < k; j++) {
                    Data.strided(src, base + order[j] * inner, 1, dst, ob + j * inner, 1, 1);
                    idx[ob + j * inner] = order[j];
                }
            }
        }
        return new Value[] {vals, Tensor.ofLongs(idx, os)};
    }

    /** A slice along the axis, compared element by element. */
    private record Key(Object[] items) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(items, k.items);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(items);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Value[] unique(Tensor x, Long axisAttr, boolean sorted) {
        Tensor t = axisAttr == null ? x.reshape(x.size()) : x;
        int[] s = t.shape();
        int axis = axisAttr == null ? 0 : Shapes.axis(axisAttr.intValue(), s.length, "Unique");
        int dim = s[axis];
        int outer = Shapes.size(Arrays.copyOfRange(s, 0, axis));
        int inner = Shapes.size(Arrays.copyOfRange(s, axis + 1, s.length));
        int sliceLen = outer * inner;
        boolean str = t.dtype() == DType.STRING;
        boolean fp = t.dtype().isFloatingPoint();
        Key[] keys = new Key[dim];
        for (int j = 0; j < dim; j++) {
            Object[] it = new Object[sliceLen];
            for (int o = 0, q = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++, q++) {
                    int e = (o * dim + j) * inner + i;
                    it[q] = str ? t.strings()[e] : fp ? (Object) t.getDouble(e) : (Object) t.getLong(e);
                }
            }
            keys[j] = new Key(it);
        }
        HashMap<Key, Integer> first = new HashMap<>();
        List<Integer> uniq = new ArrayList<>();
        for (int j = 0; j < dim; j++) {
            if (first.putIfAbsent(keys[j], j) == null) {
                uniq.add(j);
            }
        }
        if (sorted) {
            uniq.sort((a, b) -> {
                Object[] x1 = keys[a].items, x2 = keys[b].items;
                for (int q = 0; q < x1.length; q++) {
                    int c = ((Comparable) x1[q]).compareTo(x2[q]);
                    if (c != 0) {
                        return c;
                    }
                }
                return 0;
            });
        }
        int u = uniq.size();
        HashMap<Key, Integer> pos = new HashMap<>();
        long[] indices = new long[u];
        for (int q = 0; q < u; q++) {
            indices[q] = uniq.get(q);
            pos.put(keys[uniq.get(q)], q);
        }
        long[] inverse = new long[dim];
        long[] counts = new long[u];
        for (int j = 0; j < dim; j++) {
            int p = pos.get(keys[j]);
            inverse[j] = p;
            counts[p]++;
        }
        int[] os = s.clone();
        os[axis] = u;
        Object src = Data.array(t);
        Object dst = Data.alloc(t.dtype(), Shapes.size(os));
        for (int o = 0; o < outer; o++) {
            for (int q = 0; q < u; q++) {
                System.arraycopy(src, (o * dim + uniq.get(q)) * inner, dst, (o * u + q) * inner, inner);
            }
        }
        return new Value[] {Data.wrap(t.dtype(), dst, os), Tensor.ofLongs(indices, u), Tensor.ofLongs(inverse, dim), Tensor.ofLongs(counts, u)};
    }
}
