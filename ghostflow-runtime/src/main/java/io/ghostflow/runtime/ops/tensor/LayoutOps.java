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

/** Spatial rearrangements: DepthToSpace, SpaceToDepth, Pad, CenterCropPad, Col2Im. */
final class LayoutOps {
    private LayoutOps() {
    }

    static void register(OpRegistry r) {
        r.register("DepthToSpace", new int[] {1, 11, 13}, (node, cfg) -> {
            int b = (int) node.requireInt("blocksize");
            boolean crd = node.getString("mode", "DCR").equals("CRD");
            return (ctx, in) -> {
                Tensor x = Data.tensor(in[0], "DepthToSpace input");
                int[] s = x.shape();
                if (s.length != 4 || s[1] % (b * b) != 0) {
                    throw shape("DepthToSpace: input " + Arrays.toString(s) + " does not fit blocksize " + b);
                }
                int n = s[0], c = s[1] / (b * b), h = s[2], w = s[3];
                int[] out = {n, c, h * b, w * b};
                return new Value[] {crd
                        ? permuted(x, new int[] {n, c, b, b, h, w}, new int[] {0, 1, 4, 2, 5, 3}, out)
                        : permuted(x, new int[] {n, b, b, c, h, w}, new int[] {0, 3, 4, 1, 5, 2}, out)};
            };
        });
        r.register("SpaceToDepth", new int[] {1, 13}, (node, cfg) -> {
            int b = (int) node.requireInt("blocksize");
            return (ctx, in) -> {
                Tensor x = Data.tensor(in[0], "SpaceToDepth input");
                int[] s = x.shape();
                if (s.length != 4 || s[2] % b != 0 || s[3] % b != 0) {
                    throw shape("SpaceToDepth: input " + Arrays.toString(s) + " does not fit blocksize " + b);
                }
                int n = s[0], c = s[1], h = s[2] / b, w = s[3] / b;
                return new Value[] {permuted(x, new int[] {n, c, h, b, w, b}, new int[] {0, 3, 5, 1, 2, 4}, new int[] {n, c * b * b, h, w})};
            };
        });
        r.register("Pad", new int[] {1, 2, 11, 13, 18, 19, 21, 23, 24, 25}, (node, cfg) -> {
            int v = cfg.sinceVersion();
            String mode = node.getString("mode", "constant");
            if (!mode.equals("constant") && !mode.equals("reflect") && !mode.equals("edge") && !mode.equals("wrap")) {
                throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "Pad mode '" + mode + "'");
            }
            long[] attrPads = v < 11 ? node.getInts(v < 2 ? "paddings" : "pads", null) : null;
            float attrValue = node.getFloat("value", 0f);
            return (ctx, in) -> {
                Tensor x = Data.tensor(in[0], "Pad data");
                int rank = x.rank();
                long[] pads = attrPads != null ? attrPads : Data.tensor(in[1], "pads").asLongs();
                Tensor cval = v >= 11 && in.length > 2 && in[2] != null ? Data.tensor(in[2], "constant_value") : null;
                long[] axes = v >= 18 && in.length > 3 && in[3] != null ? Data.tensor(in[3], "axes").asLongs() : null;
                long[] full = new long[2 * rank];
                int na = axes == null ? rank : axes.length;
                if (pads.length != 2 * na) {
                    throw bad("Pad: " + pads.length + " pads for " + na + " axes");
                }
                for (int i = 0; i < na; i++) {
                    int ax = axes == null ? i : Shapes.axis((int) axes[i], rank, "Pad");
                    full[ax] = pads[i];
                    full[ax + rank] = pads[i + na];
                }
                Tensor c = cval != null ? cval : constantOf(x.dtype(), attrValue);
                return new Value[] {pad(x, full, mode, c)};
            };
        });
        r.register("CenterCropPad", new int[] {18}, (node, cfg) -> {
            long[] axesAttr = node.getInts("axes", null);
            return (ctx, in) -> {
                Tensor x = Data.tensor(in[0], "CenterCropPad input");
                long[] target = Data.tensor(in[1], "shape").asLongs();
                int rank = x.rank();
                long[] full = new long[2 * rank];
                for (int i = 0; i < target.length; i++) {
                    int ax = axesAttr == null ? i : Shapes.axis((int) axesAttr[i], rank, "CenterCropPad");
                    long d = x.dim(ax);
                    long t = target[i];
                    if (t < d) {
                        long start = (d - t) / 2;
                        full[ax] = -start;
                        full[ax + rank] = -(d - t - start);
                    } else if (t > d) {
                        long before = (t - d) / 2;
                        full[ax] = before;
                        full[ax + rank] = t - d - before;
                    }
                }
                return new Value[] {pad(x, full, "constant", constantOf(x.dtype(), 0))};
            };
        });
        r.register("Col2Im", new int[] {18}, (node, cfg) -> {
            long[] dil = node.getInts("dilations", null);
            long[] pads = node.getInts("pads", null);
            long[] strides = node.getInts("strides", null);
            return (ctx, in) -> new Value[] {col2im(Data.tensor(in[0], "input"), Data.tensor(in[1], "image_shape").asLongs(),
                    Data.tensor(in[2], "block_shape").asLongs(), dil, pads, strides)};
        });
    }

    static Tensor constantOf(DType d, double v) {
        Tensor t = Tensor.zeros(d, 1);
        if (d != DType.STRING) {
            t.setDouble(0, v);
        }
        return t;
    }

    /** Reads x as {@code view}, permutes by {@code perm}, returns the result shaped {@code out}. */
    static Tensor permuted(Tensor x, int[] view, int[] perm, int[] out) {
        int[] st = Shapes.strides(view);
        int[] ps = new int[perm.length];
        int[] pst = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            ps[i] = view[perm[i]];
            pst[i] = st[perm[i]];
        }
        Object dst = Data.alloc(x.dtype(), x.size());
        Data.stridedCopy(Data.array(x), 0, pst, dst, 0, ps);
        return Data.wrap(x.dtype(), dst, out);
    }

    /**
     * Pads (positive) or crops (negative) each dim. Each output coordinate maps to a source
     * coordinate per dim or to "constant" (-1); rows are then assembled from those maps.
     */
    static Tensor pad(Tensor x, long[] pads, String mode, Tensor constant) {
        int rank = x.rank();
        int[] s = x.shape();
        int[] out = new int[rank];
        int[][] maps = new int[rank][];
        for (int d = 0; d < rank; d++) {
            long o = s[d] + pads[d] + pads[d + rank];
            if (o < 0) {
                throw shape("Pad: pads " + Arrays.toString(pads) + " make dimension " + d + " negative");
            }
            out[d] = (int) o;
            if (s[d] == 0 && o > 0 && !mode.equals("constant")) {
                throw bad("Pad: cannot " + mode + "-pad an empty dimension");
            }
            int[] m = new int[out[d]];
            for (int i = 0; i < m.length; i++) {
                long c = i - pads[d];
                int dim = s[d];
                if (c < 0 || c >= dim) {
                    c = switch (mode) {
                        case "constant" -> -1;
                        case "edge" -> c < 0 ? 0 : dim - 1;
                        case "wrap" -> ((c % dim) + dim) % dim;
                        default -> reflect(c, dim);
                    };
                }
                m[i] = (int) c;
            }
            maps[d] = m;
        }
        int n = Shapes.size(out);
        Object src = Data.array(x);
        Object dst = Data.alloc(x.dtype(), n);
        Object cst = Data.array(constant);
        if (n == 0) {
            return Data.wrap(x.dtype(), dst, out);
        }
        if (rank == 0) {
            System.arraycopy(src, 0, dst, 0, 1);
            return Data.wrap(x.dtype(), dst, out);
        }
        int[] st = Shapes.strides(s);
        int inner = out[rank - 1];
        int[] innerMap = maps[rank - 1];
        int[] ctr = new int[rank];
        for (int o = 0; o < n; o += inner) {
            int base = 0;
            boolean constRow = false;
            for (int d = 0; d < rank - 1; d++) {
                int c = maps[d][ctr[d]];
                if (c < 0) {
                    constRow = true;
                    break;
                }
                base += c * st[d];
            }
            if (constRow) {
                Data.fill(cst, 0, dst, o, inner);
            } else {
                int i = 0;
                while (i < inner) {
                    int c = innerMap[i];
                    if (c < 0) {
                        int j = i;
                        while (j < inner && innerMap[j] < 0) {
                            j++;
                        }
                        Data.fill(cst, 0, dst, o + i, j - i);
                        i = j;
                    } else {
                        int j = i + 1;
                        while (j < inner && innerMap[j] == innerMap[j - 1] + 1) {
                            j++;
                        }
                        if (j - i > 1) {
                            System.arraycopy(src, base + c, dst, o + i, j - i);
                        } else {
                            Data.strided(src, base + c, 1, dst, o + i, 1, 1);
                        }
                        i = j;
                    }
                }
            }
            for (int d = rank - 2; d >= 0; d--) {
                if (++ctr[d] < out[d]) {
                    break;
                }
                ctr[d] = 0;
            }
        }
        return Data.wrap(x.dtype(), dst, out);
    }

    private static long reflect(long c, int dim) {
        if (dim == 1) {
            return 0;
        }
        long period = 2L * (dim - 1);
        c = ((c % period) + period) % period;
        return c < dim ? c : period - c;
    }

    static Tensor col2im(Tensor x, long[] image, long[] block, long[] dilAttr, long[] padsAttr, long[] strideAttr) {
        int nd = image.length;
        long[] dil = dilAttr != null ? dilAttr : filled(nd, 1);
        long[] pads = padsAttr != null ? padsAttr : filled(2 * nd, 0);
        long[] str = strideAttr != null ? strideAttr : filled(nd, 1);
        int[] s = x.shape();
        int n = s[0];
        int kernel = 1;
        for (long b : block) {
            kernel *= (int) b;
        }
        int c = s[1] / kernel;
        int[] blocks = new int[nd];
        int l = 1;
        for (int d = 0; d < nd; d++) {
            long eff = dil[d] * (block[d] - 1) + 1;
            blocks[d] = (int) ((image[d] + pads[d] + pads[d + nd] - eff) / str[d] + 1);
            l *= blocks[d];
        }
        if (l != s[2]) {
            throw shape("Col2Im: input has " + s[2] + " blocks, image/block/strides give " + l);
        }
        int[] outShape = new int[2 + nd];
        outShape[0] = n;
        outShape[1] = c;
        int img = 1;
        for (int d = 0; d < nd; d++) {
            outShape[2 + d] = (int) image[d];
            img *= (int) image[d];
        }
        double[] acc = new double[n * c * img];
        int[] kctr = new int[nd];
        int[] bctr = new int[nd];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int k = 0; k < kernel; k++) {
                    int rem = k;
                    for (int d = nd - 1; d >= 0; d--) {
                        kctr[d] = rem % (int) block[d];
                        rem /= (int) block[d];
                    }
                    int row = ch * kernel + k;
                    for (int p = 0; p < l; p++) {
                        int r2 = p;
                        for (int d = nd - 1; d >= 0; d--) {
                            bctr[d] = r2 % blocks[d];
                            r2 /= blocks[d];
                        }
                        int off = 0;
                        boolean inside = true;
                        for (int d = 0; d < nd; d++) {
                            long pos = bctr[d] * str[d] - pads[d] + kctr[d] * dil[d];
                            if (pos < 0 || pos >= image[d]) {
                                inside = false;
                                break;
                            }
                            off = off * (int) image[d] + (int) pos;
                        }
                        if (inside) {
                            acc[(b * c + ch) * img + off] += x.getDouble(((long) b * s[1] + row) * l + p);
                        }
                    }
                }
            }
        }
        Tensor out = Tensor.zeros(x.dtype(), outShape);
        for (int i = 0; i < acc.length; i++) {
            out.setDouble(i, acc[i]);
        }
        return out;
    }

    static long[] filled(int n, long v) {
        long[] a = new long[n];
        Arrays.fill(a, v);
        return a;
    }
}
