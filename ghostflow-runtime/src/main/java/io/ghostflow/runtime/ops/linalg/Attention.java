package io.ghostflow.runtime.ops.linalg;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/**
 * Attention (opsets 23, 24): 3-D (heads packed in the hidden dim) or 4-D Q/K/V, past key/value
 * caches, boolean or additive masks (padded with "masked" up to the total KV length), causal
 * masking aligned to the bottom right (offset = past length, or nonpad_kv_seqlen - q_len),
 * grouped-query heads, softcap, scale and the qk_matmul_output modes. The order follows the
 * reference: QK^T * scale, softcap, + bias, softmax, * V.
 */
final class Attention {
    private Attention() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        boolean causal = node.getInt("is_causal", 0) != 0;
        int qHeadsAttr = (int) node.getInt("q_num_heads", 0);
        int kvHeadsAttr = (int) node.getInt("kv_num_heads", 0);
        float scaleAttr = node.getFloat("scale", Float.NaN);
        float softcap = node.getFloat("softcap", 0f);
        int mode = (int) node.getInt("qk_matmul_output_mode", 0);
        return (ctx, in) -> {
            Tensor q = FloatIO.require(in[0], "Attention Q");
            Tensor k = FloatIO.require(in[1], "Attention K");
            Tensor v = FloatIO.require(in[2], "Attention V");
            Tensor mask = FloatIO.optional(in, 3);
            Tensor pastK = FloatIO.optional(in, 4);
            Tensor pastV = FloatIO.optional(in, 5);
            Tensor nonpad = FloatIO.optional(in, 6);
            boolean packed = q.rank() == 3;
            if (!packed && q.rank() != 4 || k.rank() != q.rank() || v.rank() != q.rank()) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "Attention: Q, K, V must all be 3-D or all 4-D");
            }
            int batch = q.dim(0);
            int hq;
            int hkv;
            float[] qv;
            float[] kv;
            float[] vv;
            int qLen;
            int kLen;
            int dq;
            int dv;
            if (packed) {
                if (qHeadsAttr <= 0 || kvHeadsAttr <= 0) {
                    throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "Attention with 3-D inputs needs q_num_heads and kv_num_heads");
                }
                hq = qHeadsAttr;
                hkv = kvHeadsAttr;
                qLen = q.dim(1);
                kLen = k.dim(1);
                dq = q.dim(2) / hq;
                dv = v.dim(2) / hkv;
                qv = toHeads(FloatIO.in(q, "Q"), batch, qLen, hq, dq);
                kv = toHeads(FloatIO.in(k, "K"), batch, kLen, hkv, k.dim(2) / hkv);
                vv = toHeads(FloatIO.in(v, "V"), batch, kLen, hkv, dv);
            } else {
                hq = q.dim(1);
                hkv = k.dim(1);
                qLen = q.dim(2);
                kLen = k.dim(2);
                dq = q.dim(3);
                dv = v.dim(3);
                qv = FloatIO.in(q, "Q");
                kv = FloatIO.in(k, "K");
                vv = FloatIO.in(v, "V");
            }
            int dk = dq;
            int past = pastK == null ? 0 : pastK.dim(2);
            int total = past + kLen;
            float[] presentK = pastK == null ? kv : concatSeq(FloatIO.in(pastK, "past_key"), kv, batch, hkv, past, kLen, dk);
            float[] presentV = pastV == null ? vv : concatSeq(FloatIO.in(pastV, "past_value"), vv, batch, hkv, past, kLen, dv);
            if (hq % hkv != 0) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "Attention: " + hq + " query heads do not group over " + hkv + " KV heads");
            }
            double scale = Float.isNaN(scaleAttr) ? 1.0 / Math.sqrt(dq) : scaleAttr;
            // Additive bias [B or 1, H or 1, qLen, total] from the mask (broadcast).
            int[] maskShape = null;
            int[] maskStrides = null;
            float[] maskV = null;
            boolean boolMask = mask != null && mask.dtype() == DType.BOOL;
            if (mask != null) {
                maskShape = mask.shape();
                int[] full4 = new int[4];
                int off = 4 - maskShape.length;
                for (int i = 0; i < 4; i++) {
                    full4[i] = i < off ? 1 : maskShape[i - off];
                }
                maskShape = full4;
                maskStrides = Shapes.strides(maskShape);
                maskV = mask.asFloats();
            }
            float[] y = new float[batch * hq * qLen * dv];
            float[] qk = new float[batch * hq * qLen * total];
            double[] row = new double[total];
            int group = hq / hkv;
            for (int b = 0; b < batch; b++) {
                int offset = pastK != null ? past : nonpad != null ? (int) nonpad.getLong(b) - qLen : 0;
                int valid = nonpad != null ? (int) nonpad.getLong(b) : total;
                for (int h = 0; h < hq; h++) {
                    int kh = h / group;
                    int qBase = ((b * hq + h) * qLen) * dq;
                    int kBase = ((b * hkv + kh) * total) * dk;
                    int vBase = ((b * hkv + kh) * total) * dv;
                    for (int i = 0; i < qLen; i++) {
                        int qkRow = ((b * hq + h) * qLen + i) * total;
                        for (int j = 0; j < total; j++) {
                            double s = 0;
                            for (int d = 0; d < dq; d++) {
                                s += qv[qBase + i * dq + d] * presentK[kBase + j * dk + d];
                            }
                            s *= scale;
                            if (softcap > 0) {
                                s = softcap * Math.tanh(s / softcap);
                            }
                            double raw = s;
                            double bias = 0;
                            if (maskV != null) {
                                int mj = j;
                                if (mj >= maskShape[3]) {
                                    bias = Double.NEGATIVE_INFINITY;
                                } else {
                                    int at = (maskShape[0] == 1 ? 0 : b) * maskStrides[0] + (maskShape[1] == 1 ? 0 : h) * maskStrides[1]
                                            + (maskShape[2] == 1 ? 0 : i) * maskStrides[2] + mj * maskStrides[3];
                                    float mv = maskV[at];
                                    bias = boolMask ? (mv != 0 ? 0 : Double.NEGATIVE_INFINITY) : mv;
                                }
                            }
                            if (causal && j > i + offset) {
                                bias = Double.NEGATIVE_INFINITY;
                            }
                            if (j >= valid) {
                                bias = Double.NEGATIVE_INFINITY;
                            }
                            s += bias;
                            row[j] = s;
                            qk[qkRow + j] = (float) (mode == 2 ? s : raw);
                        }
                        softmax(row, total);
                        for (int j = 0; j < total; j++) {
                            if (mode == 3) {
                                qk[qkRow + j] = (float) row[j];
                            }
                        }
                        int yBase = ((b * hq + h) * qLen + i) * dv;
                        for (int j = 0; j < total; j++) {
                            double p = row[j];
                            if (p == 0) {
                                continue;
                            }
                            for (int d = 0; d < dv; d++) {
                                y[yBase + d] += (float) (p * presentV[vBase + j * dv + d]);
                            }
                        }
                    }
                }
            }
            DType dt = q.dtype();
            Tensor yt = packed ? FloatIO.out(fromHeads(y, batch, qLen, hq, dv), dt, batch, qLen, hq * dv)
                    : FloatIO.out(y, dt, batch, hq, qLen, dv);
            return new Value[] {yt, FloatIO.out(presentK, dt, batch, hkv, total, dk), FloatIO.out(presentV, dt, batch, hkv, total, dv),
                FloatIO.out(qk, dt, batch, hq, qLen, total)};
        };
    }

    private static void softmax(double[] row, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, row[j]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            // A fully masked row attends to nothing: zero weights, not 0/0.
            java.util.Arrays.fill(row, 0, n, 0.0);
            return;
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            row[j] = Math.exp(row[j] - max);
            sum += row[j];
        }
        for (int j = 0; j < n; j++) {
            row[j] /= sum;
        }
    }

    /** [B, S, H*D] -> [B, H, S, D]. */
    private static float[] toHeads(float[] x, int b, int s, int h, int d) {
        float[] out = new float[x.length];
        for (int bi = 0; bi < b; bi++) {
            for (int si = 0; si < s; si++) {
                for (int hi = 0; hi < h; hi++) {
                    System.arraycopy(x, ((bi * s + si) * h + hi) * d, out, ((bi * h + hi) * s + si) * d, d);
                }
            }
        }
        return out;
    }

    /** [B, H, S, D] -> [B, S, H*D]. */
    private static float[] fromHeads(float[] x, int b, int s, int h, int d) {
        float[] out = new float[x.length];
        for (int bi = 0; bi < b; bi++) {
            for (int hi = 0; hi < h; hi++) {
                for (int si = 0; si < s; si++) {
                    System.arraycopy(x, ((bi * h + hi) * s + si) * d, out, ((bi * s + si) * h + hi) * d, d);
                }
            }
        }
        return out;
    }

    /** Concatenates [B, H, P, D] and [B, H, S, D] along the sequence axis. */
    private static float[] concatSeq(float[] past, float[] cur, int b, int h, int p, int s, int d) {
        float[] out = new float[b * h * (p + s) * d];
        for (int bh = 0; bh < b * h; bh++) {
            System.arraycopy(past, bh * p * d, out, bh * (p + s) * d, p * d);
            System.arraycopy(cur, bh * s * d, out, (bh * (p + s) + p) * d, s * d);
        }
        return out;
    }
}
