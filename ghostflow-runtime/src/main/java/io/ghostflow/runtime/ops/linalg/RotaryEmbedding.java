package io.ghostflow.runtime.ops.linalg;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/**
 * RotaryEmbedding (opset 23): rotates the first rotary_embedding_dim features of each head by
 * the cached cos/sin of its position (looked up through position_ids when given, else the
 * caches are already per [batch, seq]). Pairs are (i, i + half) or, interleaved, (2i, 2i + 1).
 */
final class RotaryEmbedding {
    private RotaryEmbedding() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        boolean interleaved = node.getInt("interleaved", 0) != 0;
        int numHeadsAttr = (int) node.getInt("num_heads", 0);
        int rotAttr = (int) node.getInt("rotary_embedding_dim", 0);
        return (ctx, in) -> {
            Tensor x = FloatIO.require(in[0], "RotaryEmbedding X");
            Tensor cosT = FloatIO.require(in[1], "RotaryEmbedding cos_cache");
            Tensor sinT = FloatIO.require(in[2], "RotaryEmbedding sin_cache");
            Tensor pos = FloatIO.optional(in, 3);
            int batch = x.dim(0);
            int heads;
            int seq;
            int headSize;
            boolean fourD = x.rank() == 4;
            if (fourD) {
                heads = x.dim(1);
                seq = x.dim(2);
                headSize = x.dim(3);
            } else if (x.rank() == 3) {
                if (numHeadsAttr <= 0) {
                    throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "RotaryEmbedding with 3-D input needs num_heads");
                }
                heads = numHeadsAttr;
                seq = x.dim(1);
                headSize = x.dim(2) / heads;
            } else {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "RotaryEmbedding X must be 3-D or 4-D");
            }
            int rot = rotAttr > 0 ? rotAttr : headSize;
            int half = rot / 2;
            float[] xv = FloatIO.in(x, "X");
            float[] cos = FloatIO.in(cosT, "cos_cache");
            float[] sin = FloatIO.in(sinT, "sin_cache");
            int cacheW = cosT.dim(cosT.rank() - 1);
            float[] y = xv.clone();
            for (int b = 0; b < batch; b++) {
                for (int s = 0; s < seq; s++) {
                    int cRow = pos != null ? (int) pos.getLong(b * seq + s) * cacheW : (b * seq + s) * cacheW;
                    for (int h = 0; h < heads; h++) {
                        int base = fourD ? ((b * heads + h) * seq + s) * headSize : ((b * seq + s) * heads + h) * headSize;
                        for (int i = 0; i < half; i++) {
                            int i1 = interleaved ? 2 * i : i;
                            int i2 = interleaved ? 2 * i + 1 : i + half;
                            float x1 = xv[base + i1];
                            float x2 = xv[base + i2];
                            float c = cos[cRow + i];
                            float sn = sin[cRow + i];
                            y[base + i1] = c * x1 - sn * x2;
                            y[base + i2] = sn * x1 + c * x2;
                        }
                    }
                }
            }
            return new Value[] {FloatIO.out(y, x.dtype(), x.shape())};
        };
    }
}
