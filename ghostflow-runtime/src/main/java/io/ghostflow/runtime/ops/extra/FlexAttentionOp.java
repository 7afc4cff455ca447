package io.ghostflow.runtime.ops.extra;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.ExecContext;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.SubgraphRunner;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;

/**
 * FlexAttention (ai.onnx.preview, version 1): softmax(mod(scale * Q K^T)) V on 4-D
 * (B, H, L, D) tensors, where the optional graph attributes score_mod and mask_mod rewrite the
 * whole (B, H_q, L, S) score tensor before the softmax and prob_mod rewrites the probabilities
 * after it. K and V may have fewer heads than Q (grouped-query attention: query head h reads
 * KV head h / (H_q / H_kv)). Scores are computed in double and handed to the graphs in Q's dtype.
 */
final class FlexAttentionOp {
    private FlexAttentionOp() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        Float scaleAttr = node.has("scale") ? node.getFloat("scale", 0f) : null;
        SubgraphRunner scoreMod = compile(node, cfg, "score_mod");
        SubgraphRunner maskMod = compile(node, cfg, "mask_mod");
        SubgraphRunner probMod = compile(node, cfg, "prob_mod");
        return (ctx, in) -> {
            Tensor q = (Tensor) in[0];
            Tensor k = (Tensor) in[1];
            Tensor v = (Tensor) in[2];
            if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "FlexAttention: Q, K and V must be 4-D (B, H, L, D)");
            }
            int nb = q.dim(0);
            int hq = q.dim(1);
            int nl = q.dim(2);
            int dk = q.dim(3);
            int hkv = k.dim(1);
            int ns = k.dim(2);
            int dv = v.dim(3);
            if (k.dim(0) != nb || v.dim(0) != nb || k.dim(3) != dk || v.dim(1) != hkv || v.dim(2) != ns
                    || hkv == 0 || hq % hkv != 0) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "FlexAttention: Q " + Arrays.toString(q.shape())
                        + ", K " + Arrays.toString(k.shape()) + ", V " + Arrays.toString(v.shape()) + " do not fit");
            }
            int group = hq / hkv;
            double scale = scaleAttr != null ? scaleAttr : 1 / Math.sqrt(dk);
            double[] qv = q.asDoubles();
            double[] kv = k.asDoubles();
            double[] vv = v.asDoubles();
            double[] scores = new double[nb * hq * nl * ns];
            for (int b = 0; b < nb; b++) {
                for (int h = 0; h < hq; h++) {
                    int kh = b * hkv + h / group;
                    for (int i = 0; i < nl; i++) {
                        int qBase = ((b * hq + h) * nl + i) * dk;
                        int sBase = ((b * hq + h) * nl + i) * ns;
                        for (int j = 0; j < ns; j++) {
                            int kBase = (kh * ns + j) * dk;
                            double s = 0;
                            for (int d = 0; d < dk; d++) {
                                s += qv[qBase + d] * kv[kBase + d];
                            }
                            scores[sBase + j] = s * scale;
                        }
                    }
                }
            }
            int[] sShape = {nb, hq, nl, ns};
            scores = apply(scoreMod, ctx, q, scores, sShape);
            scores = apply(maskMod, ctx, q, scores, sShape);
            for (int r = 0; r < nb * hq * nl; r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < ns; j++) {
                    max = Math.max(max, scores[r * ns + j]);
                }
                double sum = 0;
                for (int j = 0; j < ns; j++) {
                    double e = Math.exp(scores[r * ns + j] - max);
                    scores[r * ns + j] = e;
                    sum += e;
                }
                for (int j = 0; j < ns; j++) {
                    scores[r * ns + j] /= sum;
                }
            }
            scores = apply(probMod, ctx, q, scores, sShape);
            double[] out = new double[nb * hq * nl * dv];
            for (int b = 0; b < nb; b++) {
                for (int h = 0; h < hq; h++) {
                    int kh = b * hkv + h / group;
                    for (int i = 0; i < nl; i++) {
                        int pBase = ((b * hq + h) * nl + i) * ns;
                        int oBase = ((b * hq + h) * nl + i) * dv;
                        for (int j = 0; j < ns; j++) {
                            double p = scores[pBase + j];
                            int vBase = (kh * ns + j) * dv;
                            for (int m = 0; m < dv; m++) {
                                out[oBase + m] += p * vv[vBase + m];
                            }
                        }
                    }
                }
            }
            return new Value[] {Doubles.toTensor(q.dtype(), out, nb, hq, nl, dv)};
        };
    }

    private static SubgraphRunner compile(Node node, OpConfig cfg, String attr) {
        Graph g = node.getGraph(attr);
        if (g == null) {
            return null;
        }
        SubgraphRunner r = cfg.compile(g);
        if (r.inputCount() != 1 || r.outputCount() != 1) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "FlexAttention: graph attribute '" + attr
                    + "' must take one tensor and return one, has " + r.inputCount() + " inputs and " + r.outputCount() + " outputs");
        }
        return r;
    }

    private static double[] apply(SubgraphRunner mod, ExecContext ctx, Tensor like, double[] v, int[] shape) {
        if (mod == null) {
            return v;
        }
        Tensor res = (Tensor) mod.run(ctx, new Value[] {Doubles.toTensor(like.dtype(), v, shape)})[0];
        if (!Arrays.equals(res.shape(), shape)) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "FlexAttention: a modification graph returned shape "
                    + Arrays.toString(res.shape()) + " for scores of shape " + Arrays.toString(shape));
        }
        return res.asDoubles();
    }
}
