package io.ghostflow.runtime.ops.rnn;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.linalg.FloatIO;
import io.ghostflow.runtime.ops.linalg.MatMulKernel;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * RNN, GRU and LSTM: forward, reverse and bidirectional, sequence_lens, initial states,
 * peepholes, activation lists with alpha/beta, clip, layout (opset 14) and GRU's
 * linear_before_reset. The input projection X*W^T for all steps is one matrix product; each
 * step then adds H*R^T and applies the cell.
 */
final class Recurrent {
    enum Cell {
        RNN(1, List.of("Tanh")), GRU(3, List.of("Sigmoid", "Tanh")), LSTM(4, List.of("Sigmoid", "Tanh", "Tanh"));

        final int gates;
        final List<String> defaults;

        Cell(int gates, List<String> defaults) {
            this.gates = gates;
            this.defaults = defaults;
        }
    }

    private Recurrent() {
    }

    static OpKernel create(Node node, OpConfig cfg, Cell cell) {
        String op = cell.name();
        String direction = node.getString("direction", "forward");
        int dirs = switch (direction) {
            case "forward", "reverse" -> 1;
            case "bidirectional" -> 2;
            default -> throw new GhostFlowException(ErrorCode.INVALID_GRAPH, node.label() + ": unknown direction '" + direction + "'");
        };
        int layout = (int) node.getInt("layout", 0);
        float clip = node.getFloat("clip", Float.NaN);
        boolean linearBeforeReset = node.getInt("linear_before_reset", 0) != 0;
        boolean inputForget = node.getInt("input_forget", 0) != 0;
        long hiddenAttr = node.getInt("hidden_size", -1);
        List<String> names = node.getStrings("activations", null);
        int per = cell.defaults.size();
        if (names == null) {
            names = new ArrayList<>();
            for (int d = 0; d < dirs; d++) {
                names.addAll(cell.defaults);
            }
        } else if (names.size() == per && dirs == 2) {
            List<String> twice = new ArrayList<>(names);
            twice.addAll(names);
            names = twice;
        }
        if (names.size() != per * dirs) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, node.label() + ": needs " + per * dirs + " activations, has " + names.size());
        }
        float[] alphas = node.getFloats("activation_alpha", new float[0]);
        float[] betas = node.getFloats("activation_beta", new float[0]);
        Activation[] acts = new Activation[names.size()];
        int ai = 0;
        int bi = 0;
        for (int i = 0; i < acts.length; i++) {
            String nm = names.get(i);
            Activation.check(nm);
            float a = Activation.usesAlpha(nm) && ai < alphas.length ? alphas[ai++] : Activation.defaultAlpha(nm);
            float b = Activation.usesBeta(nm) && bi < betas.length ? betas[bi++] : Activation.defaultBeta(nm);
            acts[i] = new Activation(nm, a, b);
        }
        return (ctx, in) -> {
            Tensor x = FloatIO.require(in[0], op + " input X");
            Tensor w = FloatIO.require(in[1], op + " input W");
            Tensor r = FloatIO.require(in[2], op + " input R");
            Tensor b = FloatIO.optional(in, 3);
            Tensor lens = FloatIO.optional(in, 4);
            Tensor h0 = FloatIO.optional(in, 5);
            Tensor c0 = cell == Cell.LSTM ? FloatIO.optional(in, 6) : null;
            Tensor peep = cell == Cell.LSTM ? FloatIO.optional(in, 7) : null;
            int[] xs = x.shape();
            if (xs.length != 3) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, op + ": X must have rank 3");
            }
            int seq = layout == 0 ? xs[0] : xs[1];
            int batch = layout == 0 ? xs[1] : xs[0];
            int inSz = xs[2];
            int hid = hiddenAttr > 0 ? (int) hiddenAttr : r.dim(2);
            int g = cell.gates;
            if (w.dim(0) != dirs || w.dim(1) != g * hid || w.dim(2) != inSz || r.dim(1) != g * hid || r.dim(2) != hid) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, op + ": W " + java.util.Arrays.toString(w.shape()) + " / R "
                        + java.util.Arrays.toString(r.shape()) + " do not fit " + dirs + " directions, hidden_size " + hid + ", input " + inSz);
            }
            // X in [seq, batch, input] order.
            float[] xv = FloatIO.in(x, op + " X");
            if (layout != 0) {
                xv = swap01(xv, batch, seq, inSz);
            }
            float[] wv = FloatIO.in(w, op + " W");
            float[] rv = FloatIO.in(r, op + " R");
            float[] bv = b == null ? null : FloatIO.in(b, op + " B");
            float[] pv = peep == null ? null : FloatIO.in(peep, op + " P");
            float[] h0v = h0 == null ? null : FloatIO.in(h0, op + " initial_h");
            float[] c0v = c0 == null ? null : FloatIO.in(c0, op + " initial_c");
            if (layout != 0) {
                h0v = h0v == null ? null : swap01(h0v, batch, dirs, hid);
                c0v = c0v == null ? null : swap01(c0v, batch, dirs, hid);
            }
            int[] len = new int[batch];
            for (int i = 0; i < batch; i++) {
                len[i] = lens == null ? seq : (int) lens.getLong(i);
            }
            float[] y = new float[seq * dirs * batch * hid];
            float[] yh = new float[dirs * batch * hid];
            float[] yc = new float[dirs * batch * hid];
            for (int d = 0; d < dirs; d++) {
                boolean reverse = direction.equals("reverse") || d == 1;
                Activation[] da = java.util.Arrays.copyOfRange(acts, d * per, (d + 1) * per);
                runDirection(cell, d, dirs, reverse, seq, batch, inSz, hid, xv, wv, rv, bv, pv, h0v, c0v, len, da, clip,
                        linearBeforeReset, inputForget, y, yh, yc, ctx.threads());
            }
            DType dt = x.dtype();
            Tensor yt;
            Tensor yht;
            Tensor yct;
            if (layout == 0) {
                yt = FloatIO.out(y, dt, seq, dirs, batch, hid);
                yht = FloatIO.out(yh, dt, dirs, batch, hid);
                yct = FloatIO.out(yc, dt, dirs, batch, hid);
            } else {
                // [seq, dirs, batch, hid] -> [batch, seq, dirs, hid]
                float[] yl = new float[y.length];
                for (int t = 0; t < seq; t++) {
                    for (int d = 0; d < dirs; d++) {
                        for (int n = 0; n < batch; n++) {
                            System.arraycopy(y, ((t * dirs + d) * batch + n) * hid, yl, ((n * seq + t) * dirs + d) * hid, hid);
                        }
                    }
                }
                yt = FloatIO.out(yl, dt, batch, seq, dirs, hid);
                yht = FloatIO.out(swap01(yh, dirs, batch, hid), dt, batch, dirs, hid);
                yct = FloatIO.out(swap01(yc, dirs, batch, hid), dt, batch, dirs, hid);
            }
            return cell == Cell.LSTM ? new Value[] {yt, yht, yct} : new Value[] {yt, yht};
        };
    }

    /** [a, b, c] -> [b, a, c]. */
    private static float[] swap01(float[] v, int a, int b, int c) {
        float[] out = new float[v.length];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(v, (i * b + j) * c, out, (j * a + i) * c, c);
            }
        }
        return out;
    }

    private static float clip(float v, float clip) {
        return Float.isNaN(clip) ? v : Math.max(-clip, Math.min(clip, v));
    }

    private static void runDirection(Cell cell, int d, int dirs, boolean reverse, int seq, int batch, int inSz, int hid,
                                     float[] xv, float[] wv, float[] rv, float[] bv, float[] pv, float[] h0v, float[] c0v, int[] len,
                                     Activation[] act, float clip, boolean lbr, boolean inputForget,
                                     float[] y, float[] yh, float[] yc, int threads) {
        int g = cell.gates;
        int gh = g * hid;
        // xw[t*batch + n][gate*hid + j] = X W^T + Wb
        float[] xw = new float[seq * batch * gh];
        MatMulKernel.sgemm(seq * batch, gh, inSz, xv, 0, inSz, false, wv, d * gh * inSz, inSz, true, xw, 0, gh, false, threads);
        float[] wb = new float[gh];
        float[] rb = new float[gh];
        if (bv != null) {
            System.arraycopy(bv, d * 2 * gh, wb, 0, gh);
            System.arraycopy(bv, d * 2 * gh + gh, rb, 0, gh);
        }
        float[] h = new float[batch * hid];
        float[] c = new float[batch * hid];
        if (h0v != null) {
            System.arraycopy(h0v, d * batch * hid, h, 0, batch * hid);
        }
        if (c0v != null) {
            System.arraycopy(c0v, d * batch * hid, c, 0, batch * hid);
        }
        float[] hr = new float[batch * gh];
        int rOff = d * gh * hid;
        for (int step = 0; step < seq; step++) {
            MatMulKernel.sgemm(batch, gh, hid, h, 0, hid, false, rv, rOff, hid, true, hr, 0, gh, false, threads);
            for (int n = 0; n < batch; n++) {
                int t = reverse ? len[n] - 1 - step : step;
                if (step >= len[n]) {
                    continue;
                }
                int xo = (t * batch + n) * gh;
                int ho = n * hid;
                int ro = n * gh;
                switch (cell) {
                    case RNN -> {
                        for (int j = 0; j < hid; j++) {
                            h[ho + j] = act[0].apply(clip(xw[xo + j] + wb[j] + hr[ro + j] + rb[j], clip));
                        }
                    }
                    case GRU -> {
                        float[] z = new float[hid];
                        float[] rr = new float[hid];
                        for (int j = 0; j < hid; j++) {
                            z[j] = act[0].apply(clip(xw[xo + j] + wb[j] + hr[ro + j] + rb[j], clip));
                            rr[j] = act[0].apply(clip(xw[xo + hid + j] + wb[hid + j] + hr[ro + hid + j] + rb[hid + j], clip));
                        }
                        float[] cand = new float[hid];
                        if (lbr) {
                            for (int j = 0; j < hid; j++) {
                                cand[j] = xw[xo + 2 * hid + j] + wb[2 * hid + j] + rr[j] * (hr[ro + 2 * hid + j] + rb[2 * hid + j]);
                            }
                        } else {
                            for (int j = 0; j < hid; j++) {
                                double s = 0;
                                for (int q = 0; q < hid; q++) {
                                    s += rr[q] * h[ho + q] * rv[rOff + (2 * hid + j) * hid + q];
                                }
                                cand[j] = xw[xo + 2 * hid + j] + wb[2 * hid + j] + (float) s + rb[2 * hid + j];
                            }
                        }
                        for (int j = 0; j < hid; j++) {
                            float hh = act[1].apply(clip(cand[j], clip));
                            h[ho + j] = (1 - z[j]) * hh + z[j] * h[ho + j];
                        }
                    }
                    case LSTM -> {
                        for (int j = 0; j < hid; j++) {
                            float cp = c[ho + j];
                            float pi = pv == null ? 0 : pv[d * 3 * hid + j];
                            float po = pv == null ? 0 : pv[d * 3 * hid + hid + j];
                            float pf = pv == null ? 0 : pv[d * 3 * hid + 2 * hid + j];
                            float ig = act[0].apply(clip(xw[xo + j] + wb[j] + hr[ro + j] + rb[j] + pi * cp, clip));
                            float fg = inputForget ? 1 - ig
                                    : act[0].apply(clip(xw[xo + 2 * hid + j] + wb[2 * hid + j] + hr[ro + 2 * hid + j] + rb[2 * hid + j] + pf * cp, clip));
                            float cg = act[1].apply(clip(xw[xo + 3 * hid + j] + wb[3 * hid + j] + hr[ro + 3 * hid + j] + rb[3 * hid + j], clip));
                            float cn = fg * cp + ig * cg;
                            float og = act[0].apply(clip(xw[xo + hid + j] + wb[hid + j] + hr[ro + hid + j] + rb[hid + j] + po * cn, clip));
                            c[ho + j] = cn;
                            h[ho + j] = og * act[2].apply(cn);
                        }
                    }
                }
                System.arraycopy(h, ho, y, ((t * dirs + d) * batch + n) * hid, hid);
            }
        }
        System.arraycopy(h, 0, yh, d * batch * hid, batch * hid);
        System.arraycopy(c, 0, yc, d * batch * hid, batch * hid);
    }
}
