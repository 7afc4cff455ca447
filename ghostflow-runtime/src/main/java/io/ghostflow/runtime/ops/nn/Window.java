package io.ghostflow.runtime.ops.nn;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;

/**
 * The sliding-window attributes shared by Conv, ConvTranspose and the pools (kernel_shape,
 * strides, dilations, pads, auto_pad, ceil_mode), and the output-size arithmetic that turns
 * them into concrete begin pads and output extents for one input shape.
 */
public final class Window {
    final long[] kernel;
    final long[] strides;
    final long[] dilations;
    final long[] pads;
    final String autoPad;
    final boolean ceilMode;

    public Window(Node node, boolean ceilAllowed) {
        this.kernel = node.getInts("kernel_shape", null);
        this.strides = node.getInts("strides", null);
        this.dilations = node.getInts("dilations", null);
        this.pads = node.getInts("pads", null);
        this.autoPad = node.getString("auto_pad", "NOTSET");
        this.ceilMode = ceilAllowed && node.getInt("ceil_mode", 0) != 0;
        switch (autoPad) {
            case "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID" -> { }
            default -> throw new GhostFlowException(ErrorCode.INVALID_GRAPH, node.label() + ": unknown auto_pad '" + autoPad + "'");
        }
        if (strides != null) {
            for (long s : strides) {
                if (s <= 0) {
                    throw new GhostFlowException(ErrorCode.INVALID_GRAPH, node.label() + ": strides must be positive");
                }
            }
        }
    }

    /** Resolved geometry for one input: per spatial dim the kernel, stride, dilation, begin pad, input and output size. */
    public record Geometry(int[] k, int[] s, int[] d, int[] padBegin, int[] padEnd, int[] in, int[] out) {
        int kernelSize() {
            return prod(k);
        }

        int inSize() {
            return prod(in);
        }

        int outSize() {
            return prod(out);
        }

        int rank() {
            return k.length;
        }

        static int prod(int[] a) {
            int p = 1;
            for (int v : a) {
                p *= v;
            }
            return p;
        }
    }

    /** Geometry for a forward window (Conv, pools) over spatial sizes {@code in}; {@code kernelDims} from W when not an attribute. */
    public Geometry forward(int[] in, int[] kernelDims, String op) {
        int nd = in.length;
        int[] k = kernelDims != null ? kernelDims : ints(kernel, nd, -1, op, "kernel_shape");
        int[] s = ints(strides, nd, 1, op, "strides");
        int[] d = ints(dilations, nd, 1, op, "dilations");
        int[] pb = new int[nd];
        int[] pe = new int[nd];
        int[] out = new int[nd];
        for (int i = 0; i < nd; i++) {
            int ek = (k[i] - 1) * d[i] + 1;
            switch (autoPad) {
                case "SAME_UPPER", "SAME_LOWER" -> {
                    out[i] = (in[i] + s[i] - 1) / s[i];
                    int total = Math.max(0, (out[i] - 1) * s[i] + ek - in[i]);
                    int small = total / 2;
                    pb[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
                    pe[i] = total - pb[i];
                }
                case "VALID" -> out[i] = floorDiv(in[i] - ek, s[i], ceilMode) + 1;
                default -> {
                    if (pads != null) {
                        if (pads.length != 2 * nd) {
                            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, op + ": pads has " + pads.length + " values, needs " + 2 * nd);
                        }
                        pb[i] = (int) pads[i];
                        pe[i] = (int) pads[i + nd];
                    }
                    int span = in[i] + pb[i] + pe[i] - ek;
                    out[i] = floorDiv(span, s[i], ceilMode) + 1;
                    // A window that would start inside the end padding is dropped (ceil_mode rule).
                    if (ceilMode && (out[i] - 1) * s[i] >= in[i] + pb[i]) {
                        out[i]--;
                    }
                }
            }
            if (out[i] < 0) {
                out[i] = 0;
            }
        }
        return new Geometry(k, s, d, pb, pe, in.clone(), out);
    }

    private static int floorDiv(int a, int b, boolean ceil) {
        return ceil ? -Math.floorDiv(-a, b) : Math.floorDiv(a, b);
    }

    static int[] ints(long[] v, int n, int dflt, String op, String name) {
        int[] out = new int[n];
        if (v == null) {
            if (dflt < 0) {
                throw new GhostFlowException(ErrorCode.INVALID_GRAPH, op + ": missing attribute '" + name + "'");
            }
            java.util.Arrays.fill(out, dflt);
            return out;
        }
        if (v.length != n) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, op + ": attribute '" + name + "' has " + v.length + " values for " + n + " spatial dims");
        }
        for (int i = 0; i < n; i++) {
            out[i] = Math.toIntExact(v[i]);
        }
        return out;
    }
}
