package io.ghostflow.runtime.ops.image;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Detection helpers: NonMaxSuppression, RoiAlign, MaxRoiPool. */
final class DetectionOps {
    private DetectionOps() {
    }

    static void register(OpRegistry r) {
        r.register("NonMaxSuppression", new int[] {10, 11}, (node, cfg) -> {
            boolean center = node.getInt("center_point_box", 0) != 0;
            return (ctx, in) -> {
                Tensor boxes = (Tensor) in[0];
                Tensor scores = (Tensor) in[1];
                long max = in.length > 2 && in[2] != null && ((Tensor) in[2]).size() > 0 ? ((Tensor) in[2]).getLong(0) : 0;
                double iou = in.length > 3 && in[3] != null && ((Tensor) in[3]).size() > 0 ? ((Tensor) in[3]).getDouble(0) : 0;
                Double thr = in.length > 4 && in[4] != null && ((Tensor) in[4]).size() > 0 ? ((Tensor) in[4]).getDouble(0) : null;
                return new Value[] {nms(boxes, scores, max, iou, thr, center)};
            };
        });
        r.register("RoiAlign", new int[] {10, 16, 22}, (node, cfg) -> {
            boolean max = node.getString("mode", "avg").equals("max");
            int oh = (int) node.getInt("output_height", 1);
            int ow = (int) node.getInt("output_width", 1);
            int sr = (int) node.getInt("sampling_ratio", 0);
            double scale = node.getFloat("spatial_scale", 1f);
            boolean halfPixel = cfg.sinceVersion() >= 16
                    && node.getString("coordinate_transformation_mode", "half_pixel").equals("half_pixel");
            return (ctx, in) -> new Value[] {roiAlign((Tensor) in[0], (Tensor) in[1], (Tensor) in[2], max, oh, ow, sr, scale, halfPixel)};
        });
        r.register("MaxRoiPool", new int[] {1, 22}, (node, cfg) -> {
            long[] pooled = node.getInts("pooled_shape", null);
            if (pooled == null || pooled.length != 2) {
                throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "MaxRoiPool: 'pooled_shape' must hold 2 values");
            }
            double scale = node.getFloat("spatial_scale", 1f);
            return (ctx, in) -> new Value[] {maxRoiPool((Tensor) in[0], (Tensor) in[1], (int) pooled[0], (int) pooled[1], scale)};
        });
    }

    static Tensor nms(Tensor boxes, Tensor scores, long max, double iouThr, Double scoreThr, boolean center) {
        int batches = scores.dim(0), classes = scores.dim(1), n = scores.dim(2);
        double[] b = boxes.asDoubles();
        double[] s = scores.asDoubles();
        List<long[]> sel = new ArrayList<>();
        for (int bi = 0; bi < batches; bi++) {
            for (int c = 0; c < classes; c++) {
                int sb = (bi * classes + c) * n;
                List<Integer> cand = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (scoreThr == null || s[sb + i] > scoreThr) {
                        cand.add(i);
                    }
                }
                cand.sort((x, y) -> {
                    int q = Double.compare(s[sb + y], s[sb + x]);
                    return q != 0 ? q : Integer.compare(x, y);
                });
                List<Integer> kept = new ArrayList<>();
                for (int i : cand) {
                    if (kept.size() >= max) {
                        break;
                    }
                    boolean ok = true;
                    for (int k : kept) {
                        if (iou(b, (bi * n + i) * 4, (bi * n + k) * 4, center) > iouThr) {
                            ok = false;
                            break;
                        }
                    }
                    if (ok) {
                        kept.add(i);
                        sel.add(new long[] {bi, c, i});
                    }
                }
            }
        }
        long[] out = new long[sel.size() * 3];
        for (int i = 0; i < sel.size(); i++) {
            System.arraycopy(sel.get(i), 0, out, i * 3, 3);
        }
        return Tensor.ofLongs(out, sel.size(), 3);
    }

    private static double iou(double[] b, int p, int q, boolean center) {
        double[] u = corners(b, p, center);
        double[] v = corners(b, q, center);
        double ih = Math.min(u[2], v[2]) - Math.max(u[0], v[0]);
        double iw = Math.min(u[3], v[3]) - Math.max(u[1], v[1]);
        if (ih <= 0 || iw <= 0) {
            return 0;
        }
        double inter = ih * iw;
        double area = (u[2] - u[0]) * (u[3] - u[1]) + (v[2] - v[0]) * (v[3] - v[1]) - inter;
        return area <= 0 ? 0 : inter / area;
    }

    /** [ymin, xmin, ymax, xmax]. */
    private static double[] corners(double[] b, int p, boolean center) {
        if (center) {
            double xc = b[p], yc = b[p + 1], w = b[p + 2], h = b[p + 3];
            return new double[] {yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2};
        }
        return new double[] {Math.min(b[p], b[p + 2]), Math.min(b[p + 1], b[p + 3]), Math.max(b[p], b[p + 2]), Math.max(b[p + 1], b[p + 3])};
    }

    static Tensor roiAlign(Tensor x, Tensor rois, Tensor batchIdx, boolean maxMode, int oh, int ow, int sr, double scale, boolean halfPixel) {
        int c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int nr = rois.dim(0);
        double[] xd = x.asDoubles();
        double[] rd = rois.asDoubles();
        long[] bi = batchIdx.asLongs();
        Tensor out = Tensor.zeros(x.dtype(), nr, c, oh, ow);
        double off = halfPixel ? 0.5 : 0;
        for (int r = 0; r < nr; r++) {
            double x1 = rd[r * 4] * scale - off, y1 = rd[r * 4 + 1] * scale - off;
            double x2 = rd[r * 4 + 2] * scale - off, y2 = rd[r * 4 + 3] * scale - off;
            double rw = x2 - x1, rh = y2 - y1;
            if (!halfPixel) {
                rw = Math.max(rw, 1);
                rh = Math.max(rh, 1);
            }
            double bh = rh / oh, bw = rw / ow;
            int gh = sr > 0 ? sr : (int) Math.ceil(rh / oh);
            int gw = sr > 0 ? sr : (int) Math.ceil(rw / ow);
            int count = Math.max(gh * gw, 1);
            for (int ch = 0; ch < c; ch++) {
                int base = (int) ((bi[r] * c + ch) * h * w);
                for (int ph = 0; ph < oh; ph++) {
                    for (int pw = 0; pw < ow; pw++) {
                        double acc = 0;
                        boolean first = true;
                        for (int iy = 0; iy < gh; iy++) {
                            double yy = y1 + ph * bh + (iy + 0.5) * bh / gh;
                            for (int ix = 0; ix < gw; ix++) {
                                double xx = x1 + pw * bw + (ix + 0.5) * bw / gw;
                                double[] t = bilinear(xd, base, h, w, yy, xx);
                                if (maxMode) {
                                    double v = Math.max(Math.max(t[0], t[1]), Math.max(t[2], t[3]));
                                    acc = first ? v : Math.max(acc, v);
                                    first = false;
                                } else {
                                    acc += t[0] + t[1] + t[2] + t[3];
                                }
                            }
                        }
                        out.setDouble(((long) (r * c + ch) * oh + ph) * ow + pw, maxMode ? acc : acc / count);
                    }
                }
            }
        }
        return out;
    }

    /** The four weighted corner values of a bilinear sample (zeros outside), as ONNX Runtime computes them. */
    private static double[] bilinear(double[] d, int base, int h, int w, double y, double x) {
        if (y < -1 || y > h || x < -1 || x > w) {
            return new double[4];
        }
        y = Math.max(y, 0);
        x = Math.max(x, 0);
        int yl = (int) y, xl = (int) x, yh, xh;
        if (yl >= h - 1) {
            yh = yl = h - 1;
            y = yl;
        } else {
            yh = yl + 1;
        }
        if (xl >= w - 1) {
            xh = xl = w - 1;
            x = xl;
        } else {
            xh = xl + 1;
        }
        double ly = y - yl, lx = x - xl, hy = 1 - ly, hx = 1 - lx;
        return new double[] {hy * hx * d[base + yl * w + xl], hy * lx * d[base + yl * w + xh],
                ly * hx * d[base + yh * w + xl], ly * lx * d[base + yh * w + xh]};
    }

    static Tensor maxRoiPool(Tensor x, Tensor rois, int ph, int pw, double scale) {
        int c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int nr = rois.dim(0);
        double[] xd = x.asDoubles();
        double[] rd = rois.asDoubles();
        Tensor out = Tensor.zeros(x.dtype(), nr, c, ph, pw);
        for (int r = 0; r < nr; r++) {
            int b = (int) rd[r * 5];
            int x1 = (int) Math.round(rd[r * 5 + 1] * scale), y1 = (int) Math.round(rd[r * 5 + 2] * scale);
            int x2 = (int) Math.round(rd[r * 5 + 3] * scale), y2 = (int) Math.round(rd[r * 5 + 4] * scale);
            int rh = Math.max(y2 - y1 + 1, 1), rw = Math.max(x2 - x1 + 1, 1);
            double bh = (double) rh / ph, bw = (double) rw / pw;
            for (int ch = 0; ch < c; ch++) {
                int base = (b * c + ch) * h * w;
                for (int i = 0; i < ph; i++) {
                    int hs = Math.min(Math.max((int) Math.floor(i * bh) + y1, 0), h);
                    int he = Math.min(Math.max((int) Math.ceil((i + 1) * bh) + y1, 0), h);
                    for (int j = 0; j < pw; j++) {
                        int ws = Math.min(Math.max((int) Math.floor(j * bw) + x1, 0), w);
                        int we = Math.min(Math.max((int) Math.ceil((j + 1) * bw) + x1, 0), w);
                        double m = he <= hs || we <= ws ? 0 : Double.NEGATIVE_INFINITY;
                        for (int yy = hs; yy < he; yy++) {
                            for (int xx = ws; xx < we; xx++) {
                                m = Math.max(m, xd[base + yy * w + xx]);
                            }
                        }
                        out.setDouble(((long) (r * c + ch) * ph + i) * pw + j, m);
                    }
                }
            }
        }
        return out;
    }

    static String str(int[] s) {
        return Arrays.toString(s);
    }
}
