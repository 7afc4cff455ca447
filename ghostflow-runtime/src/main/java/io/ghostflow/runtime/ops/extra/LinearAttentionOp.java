package io.ghostflow.runtime.ops.extra;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;

/**
 * LinearAttention (opset 27): recurrent linear attention with a (d_k x d_v) state per KV head.
 * Per step t: optionally decay the state by exp(decay_t) ("gated", "gated_delta"), optionally
 * replace v_t by beta_t * (v_t - S^T k'_t) with k'_t = erase_gate_t * k_t ("delta",
 * "gated_delta"), add k_t v_t^T, then read o_t = scale * q_t S with query heads sharing KV
 * heads in groups (GQA). Inputs query/key/value are (B, T, H*D); past_state (B, H_kv, d_k, d_v).
 * The recurrence runs in double; outputs are stored in the query's (state's) dtype.
 */
final class LinearAttentionOp {
    private LinearAttentionOp() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        String rule = node.getString("update_rule", "gated_delta");
        boolean gating;
        boolean delta;
        switch (rule) {
            case "linear" -> { gating = false; delta = false; }
            case "gated" -> { gating = true; delta = false; }
            case "delta" -> { gating = false; delta = true; }
            case "gated_delta" -> { gating = true; delta = true; }
            default -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "LinearAttention: update_rule '" + rule + "'");
        }
        int hq = (int) node.requireInt("q_num_heads");
        int hkv = (int) node.requireInt("kv_num_heads");
        if (hq <= 0 || hkv <= 0 || hq % hkv != 0) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "LinearAttention: q_num_heads " + hq
                    + " must be a positive multiple of kv_num_heads " + hkv);
        }
        float scaleAttr = node.getFloat("scale", 0f);
        return (ctx, in) -> {
            Tensor q = (Tensor) in[0];
            Tensor k = (Tensor) in[1];
            Tensor v = (Tensor) in[2];
            Tensor past = opt(in, 3);
            Tensor decay = opt(in, 4);
            Tensor beta = opt(in, 5);
            Tensor erase = opt(in, 6);
            if (gating != (decay != null) || delta != (beta != null) || (erase != null && !delta)) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "LinearAttention: update_rule '" + rule
                        + "' requires decay " + (gating ? "present" : "absent") + " and beta " + (delta ? "present" : "absent")
                        + (delta ? "" : ", and no erase_gate"));
            }
            if (q.rank() != 3 || k.rank() != 3 || v.rank() != 3) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "LinearAttention: query, key and value must be (B, T, H*D)");
            }
            int nb = q.dim(0);
            int nt = q.dim(1);
            int dk = q.dim(2) / hq;
            int dv = v.dim(2) / hkv;
            if (q.dim(2) % hq != 0 || k.dim(2) != hkv * dk || v.dim(2) % hkv != 0
                    || k.dim(0) != nb || v.dim(0) != nb || k.dim(1) != nt || v.dim(1) != nt) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "LinearAttention: query " + Arrays.toString(q.shape())
                        + ", key " + Arrays.toString(k.shape()) + ", value " + Arrays.toString(v.shape())
                        + " do not fit " + hq + " query and " + hkv + " KV heads");
            }
            int decayWidth = 0;
            if (decay != null) {
                decayWidth = decay.dim(2) == hkv ? 1 : decay.dim(2) == hkv * dk ? dk : -1;
                if (decay.rank() != 3 || decayWidth < 0) {
                    throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "LinearAttention: decay " + Arrays.toString(decay.shape())
                            + " must be (B, T, H_kv) or (B, T, H_kv*d_k)");
                }
            }
            int betaHeads = 0;
            if (beta != null) {
                betaHeads = beta.dim(2);
                if (beta.rank() != 3 || (betaHeads != hkv && betaHeads != 1)) {
                    throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "LinearAttention: beta " + Arrays.toString(beta.shape())
                            + " must be (B, T, H_kv) or (B, T, 1)");
                }
            }
            if (erase != null && !Arrays.equals(erase.shape(), k.shape())) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "LinearAttention: erase_gate " + Arrays.toString(erase.shape())
                        + " must match key " + Arrays.toString(k.shape()));
            }
            int stateSize = nb * hkv * dk * dv;
            double[] s;
            if (past != null) {
                if (!Arrays.equals(past.shape(), new int[] {nb, hkv, dk, dv})) {
                    throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "LinearAttention: past_state " + Arrays.toString(past.shape())
                            + " should be " + Arrays.toString(new int[] {nb, hkv, dk, dv}));
                }
                s = past.asDoubles().clone();
            } else {
                s = new double[stateSize];
            }
            double scale = scaleAttr == 0f ? 1 / Math.sqrt(dk) : scaleAttr;
            double[] qv = q.asDoubles();
            double[] kv = k.asDoubles();
            double[] vv = v.asDoubles();
            double[] gv = decay == null ? null : decay.asDoubles();
            double[] bv = beta == null ? null : beta.asDoubles();
            double[] ev = erase == null ? null : erase.asDoubles();
            int group = hq / hkv;
            double[] out = new double[nb * nt * hq * dv];
            double[] vt = new double[dv];
            for (int b = 0; b < nb; b++) {
                for (int h = 0; h < hkv; h++) {
                    int sBase = (b * hkv + h) * dk * dv;
                    for (int t = 0; t < nt; t++) {
                        int kBase = ((b * nt + t) * hkv + h) * dk;
                        int vBase = ((b * nt + t) * hkv + h) * dv;
                        if (gating) {
                            int gBase = ((b * nt + t) * hkv + h) * decayWidth;
                            for (int i = 0; i < dk; i++) {
                                double f = Math.exp(gv[gBase + (decayWidth == 1 ? 0 : i)]);
                                for (int m = 0; m < dv; m++) {
                                    s[sBase + i * dv + m] *= f;
                                }
                            }
                        }
                        System.arraycopy(vv, vBase, vt, 0, dv);
                        if (delta) {
                            double bt = bv[(b * nt + t) * betaHeads + (betaHeads == 1 ? 0 : h)];
                            for (int m = 0; m < dv; m++) {
                                double r = 0;
                                for (int i = 0; i < dk; i++) {
                                    double ki = ev == null ? kv[kBase + i] : ev[kBase + i] * kv[kBase + i];
                                    r += s[sBase + i * dv + m] * ki;
                                }
                                vt[m] = bt * (vt[m] - r);
                            }
                        }
                        for (int i = 0; i < dk; i++) {
                            double ki = kv[kBase + i];
                            for (int m = 0; m < dv; m++) {
                                s[sBase + i * dv + m] += ki * vt[m];
                            }
                        }
                        for (int g = 0; g < group; g++) {
                            int hqi = h * group + g;
                            int qBase = ((b * nt + t) * hq + hqi) * dk;
                            int oBase = ((b * nt + t) * hq + hqi) * dv;
                            for (int m = 0; m < dv; m++) {
                                double o = 0;
                                for (int i = 0; i < dk; i++) {
                                    o += qv[qBase + i] * s[sBase + i * dv + m];
                                }
                                out[oBase + m] = scale * o;
                            }
                        }
                    }
                }
            }
            var stateType = past != null ? past.dtype() : q.dtype();
            return new Value[] {Doubles.toTensor(q.dtype(), out, nb, nt, hq * dv),
                    Doubles.toTensor(stateType, s, nb, hkv, dk, dv)};
        };
    }

    private static Tensor opt(Value[] in, int i) {
        return in.length > i ? (Tensor) in[i] : null;
    }
}
