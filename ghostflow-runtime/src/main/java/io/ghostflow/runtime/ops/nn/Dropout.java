package io.ghostflow.runtime.ops.nn;

import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.linalg.FloatIO;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/**
 * Dropout. Inference (and training with ratio 0) is the identity with an all-true mask. In
 * training mode (opset 12+ input) elements are zeroed with probability ratio and the rest
 * scaled by 1/(1-ratio). The stream is numpy's seeded Mersenne Twister, so a given seed draws
 * the same mask as the ONNX reference; without a seed attribute the seed is time-based.
 * Before opset 12 there is no training input: is_test=0 graphs are exported for inference too.
 */
final class Dropout {
    private Dropout() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        int v = cfg.sinceVersion();
        float attrRatio = node.getFloat("ratio", 0.5f);
        long seed = node.getInt("seed", System.nanoTime());
        DType maskType = v >= 10 ? DType.BOOL : null;
        return (ctx, in) -> {
            Tensor x = FloatIO.require(in[0], "Dropout input");
            float ratio = attrRatio;
            boolean training = false;
            if (v >= 12) {
                Tensor r = FloatIO.optional(in, 1);
                ratio = r == null ? 0.5f : (float) r.getDouble(0);
                Tensor t = FloatIO.optional(in, 2);
                training = t != null && t.getLong(0) != 0;
            }
            DType mt = maskType != null ? maskType : x.dtype();
            int[] xs = x.shape();
            if (!training || ratio == 0f) {
                Tensor mask = Tensor.zeros(mt, xs);
                for (int i = 0; i < mask.size(); i++) {
                    mask.setLong(i, 1);
                }
                return new Value[] {x, mask};
            }
            Mt19937 rnd = new Mt19937(seed);
            Tensor y = Tensor.zeros(x.dtype(), xs);
            Tensor mask = Tensor.zeros(mt, xs);
            double scale = 1.0 / (1.0 - ratio);
            for (int i = 0; i < x.size(); i++) {
                boolean keep = rnd.nextDouble() >= ratio;
                y.setDouble(i, keep ? x.getDouble(i) * scale : 0);
                mask.setLong(i, keep ? 1 : 0);
            }
            return new Value[] {y, mask};
        };
    }
}
