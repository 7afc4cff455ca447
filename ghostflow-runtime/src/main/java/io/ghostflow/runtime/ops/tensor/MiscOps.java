package io.ghostflow.runtime.ops.tensor;

import static io.ghostflow.runtime.ops.tensor.Data.bad;
import static io.ghostflow.runtime.ops.tensor.Data.shape;

import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;

/** Generators and masks: Range, OneHot, NonZero, Trilu, Compress, EyeLike, ReverseSequence. */
final class MiscOps {
    private MiscOps() {
    }

    static void register(OpRegistry r) {
        r.register("Range", new int[] {11}, (node, cfg) -> (ctx, in) -> {
            Tensor start = Data.tensor(in[0], "start");
            Tensor limit = Data.tensor(in[1], "limit");
            Tensor delta = Data.tensor(in[2], "delta");
            DType d = start.dtype();
            if (d.isFloatingPoint()) {
                double a = start.getDouble(0), l = limit.getDouble(0), st = delta.getDouble(0);
                int n = (int) Math.max(Math.ceil((l - a) / st), 0);
                Tensor out = Tensor.zeros(d, n);
                for (int i = 0; i < n; i++) {
                    out.setDouble(i, d == DType.FLOAT ? (float) a + i * (float) st : a + i * st);
                }
                return new Value[] {out};
            }
            long a = start.getLong(0), l = limit.getLong(0), st = delta.getLong(0);
            if (st == 0) {
                throw bad("Range: delta is 0");
            }
            long n = Math.max((long) Math.ceil((double) (l - a) / st), 0);
            Tensor out = Tensor.zeros(d, Shapes.toIntDim(n, "Range"));
            for (int i = 0; i < n; i++) {
                out.setLong(i, a + i * st);
            }
            return new Value[] {out};
        });
        r.register("OneHot", new int[] {9, 11}, (node, cfg) -> {
            long axisAttr = node.getInt("axis", -1);
            return (ctx, in) -> {
                Tensor idx = Data.tensor(in[0], "indices");
                long depth = (long) Data.tensor(in[1], "depth").getDouble(0);
                Tensor values = Data.tensor(in[2], "values");
                int rank = idx.rank() + 1;
                int axis = Shapes.axis((int) axisAttr, rank, "OneHot");
                int[] is = idx.shape();
                int[] out = new int[rank];
                for (int i = 0, k = 0; i < rank; i++) {
                    out[i] = i == axis ? Shapes.toIntDim(depth, "OneHot depth") : is[k++];
                }
                int outer = Shapes.size(Arrays.copyOfRange(is, 0, axis));
                int inner = Shapes.size(Arrays.copyOfRange(is, axis, is.length));
                Object vals = Data.array(values);
                Object dst = Data.alloc(values.dtype(), Shapes.size(out));
                Data.fill(vals, 0, dst, 0, Shapes.size(out));
                for (int o = 0; o < outer; o++) {
                    for (int i = 0; i < inner; i++) {
                        long v = (long) idx.getDouble(o * inner + i);
                        if (v < 0) {
                            v += depth;
                        }
                        if (v >= 0 && v < depth) {
                            Data.strided(vals, 1, 1, dst, (int) ((o * depth + v) * inner + i), 1, 1);
                        }
                    }
                }
                return new Value[] {Data.wrap(values.dtype(), dst, out)};
            };
        });
        r.register("NonZero", new int[] {9, 13}, (node, cfg) -> (ctx, in) -> {
            Tensor x = Data.tensor(in[0], "NonZero input");
            int rank = x.rank();
            int n = x.size();
            int[] hits = new int[n];
            int count = 0;
            boolean str = x.dtype() == DType.STRING;
            for (int i = 0; i < n; i++) {
                if (str ? !x.strings()[i].isEmpty() : x.getDouble(i) != 0) {
                    hits[count++] = i;
                }
            }
            int[] s = x.shape();
            int r2 = Math.max(rank, 1);
            long[] out = new long[r2 * count];
            for (int j = 0; j < count; j++) {
                int rem = hits[j];
                for (int d = rank - 1; d >= 0; d--) {
                    out[d * count + j] = rem % s[d];
                    rem /= s[d];
                }
            }
            return new Value[] {Tensor.ofLongs(out, r2, count)};
        });
        r.register("Trilu", new int[] {14}, (node, cfg) -> {
            boolean upper = node.getInt("upper", 1) != 0;
            return (ctx, in) -> {
                Tensor x = Data.tensor(in[0], "Trilu input");
                long k = in.length > 1 && in[1] != null ? Data.tensor(in[1], "k").getLong(0) : 0;
                int rows = x.dim(-2), cols = x.dim(-1);
                Object src = Data.array(x);
                Object dst = Data.alloc(x.dtype(), x.size());
                int plane = rows * cols;
                for (int p = 0; p < x.size(); p += plane) {
                    for (int i = 0; i < rows; i++) {
                        // keep j >= i + k (upper) or j <= i + k (lower)
                        long lo = upper ? Math.max(0, Math.min(cols, i + k)) : 0;
                        long hi = upper ? cols : Math.max(0, Math.min(cols, i + k + 1));
                        if (hi > lo) {
                            System.arraycopy(src, p + i * cols + (int) lo, dst, p + i * cols + (int) lo, (int) (hi - lo));
                        }
                    }
                }
                return new Value[] {Data.wrap(x.dtype(), dst, x.shape())};
            };
        });
        r.register("Compress", new int[] {9, 11}, (node, cfg) -> {
            Long axisAttr = node.has("axis") ? node.getInt("axis", 0) : null;
            return (ctx, in) -> {
                Tensor x = Data.tensor(in[0], "Compress input");
                Tensor cond = Data.tensor(in[1], "condition");
                if (axisAttr == null) {
                    x = x.reshape(x.size());
                }
                int axis = axisAttr == null ? 0 : Shapes.axis(axisAttr.intValue(), x.rank(), "Compress");
                int[] s = x.shape();
                int keep = 0;
                int[] sel = new int[s[axis]];
                for (int i = 0; i < Math.min(cond.size(), s[axis]); i++) {
                    if (cond.getLong(i) != 0) {
                        sel[keep++] = i;
                    }
                }
                int outer = Shapes.size(Arrays.copyOfRange(s, 0, axis));
                int inner = Shapes.size(Arrays.copyOfRange(s, axis + 1, s.length));
                int[] out = s.clone();
                out[axis] = keep;
                Object src = Data.array(x);
                Object dst = Data.alloc(x.dtype(), Shapes.size(out));
                int d = 0;
                for (int o = 0; o < outer; o++) {
                    for (int j = 0; j < keep; j++) {
                        System.arraycopy(src, (o * s[axis] + sel[j]) * inner, dst, d, inner);
                        d += inner;
                    }
                }
                return new Value[] {Data.wrap(x.dtype(), dst, out)};
            };
        });
        r.register("EyeLike", new int[] {9, 22}, (node, cfg) -> {
            Long dt = node.has("dtype") ? node.getInt("dtype", 1) : null;
            long k = node.getInt("k", 0);
            return (ctx, in) -> {
                Tensor x = Data.tensor(in[0], "EyeLike input");
                if (x.rank() != 2) {
                    throw shape("EyeLike: input must be 2-D, is " + Arrays.toString(x.shape()));
                }
                DType d = dt == null ? x.dtype() : DType.fromOnnx(dt.intValue());
                Tensor out = Tensor.zeros(d, x.shape());
                int rows = x.dim(0), cols = x.dim(1);
                for (int i = 0; i < rows; i++) {
                    long j = i + k;
                    if (j >= 0 && j < cols) {
                        out.setLong(i * (long) cols + j, 1);
                    }
                }
                return new Value[] {out};
            };
        });
        r.register("ReverseSequence", new int[] {10}, (node, cfg) -> {
            int batchAxis = (int) node.getInt("batch_axis", 1);
            int timeAxis = (int) node.getInt("time_axis", 0);
            return (ctx, in) -> {
                Tensor x = Data.tensor(in[0], "input");
                long[] lens = Data.tensor(in[1], "sequence_lens").asLongs();
                int[] s = x.shape();
                int[] st = Shapes.strides(s);
                int n = x.size();
                int[] map = new int[n];
                int[] ctr = new int[s.length];
                for (int i = 0; i < n; i++) {
                    int t = ctr[timeAxis];
                    long len = lens[ctr[batchAxis]];
                    int src = i;
                    if (t < len) {
                        src = i + (int) ((len - 1 - t) - t) * st[timeAxis];
                    }
                    map[i] = src;
                    for (int d = s.length - 1; d >= 0; d--) {
                        if (++ctr[d] < s[d]) {
                            break;
                        }
                        ctr[d] = 0;
                    }
                }
                Object dst = Data.alloc(x.dtype(), n);
                Data.take(Data.array(x), map, dst, 0, n);
                return new Value[] {Data.wrap(x.dtype(), dst, s)};
            };
        });
    }
}
