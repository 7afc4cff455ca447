package io.ghostflow.runtime.ops.fused;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;

/** The attributes of a 2-D convolution, read once when the kernel is built. */
record ConvParams(int group, int[] strides, int[] dilations, int[] pads, String autoPad) {
    static ConvParams from(Node n) {
        long[] s = n.getInts("strides", new long[] {1, 1});
        long[] d = n.getInts("dilations", new long[] {1, 1});
        long[] p = n.getInts("pads", new long[] {0, 0, 0, 0});
        if (s.length != 2 || d.length != 2 || p.length != 4) {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, n.label() + ": fused convolution supports 2-D only");
        }
        return new ConvParams((int) n.getInt("group", 1), toInts(s), toInts(d), toInts(p), n.getString("auto_pad", "NOTSET"));
    }

    /** Pads [top, left, bottom, right] for an input of spatial size (h, w) and kernel (kh, kw). */
    int[] padsFor(int h, int w, int kh, int kw) {
        if (autoPad.equals("NOTSET") || autoPad.isEmpty()) {
            return pads;
        }
        if (autoPad.equals("VALID")) {
            return new int[4];
        }
        int[] out = new int[4];
        int[] in = {h, w};
        int[] k = {kh, kw};
        for (int i = 0; i < 2; i++) {
            int o = (in[i] + strides[i] - 1) / strides[i];
            int total = Math.max(0, (o - 1) * strides[i] + (k[i] - 1) * dilations[i] + 1 - in[i]);
            int small = total / 2;
            boolean upper = autoPad.equals("SAME_UPPER");
            out[i] = upper ? small : total - small;
            out[i + 2] = upper ? total - small : small;
        }
        return out;
    }

    private static int[] toInts(long[] v) {
        int[] o = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = (int) v[i];
        }
        return o;
    }
}
