package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;
import io.ghostflow.runtime.optimize.Rewrites;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;

/**
 * Folds an inference-mode BatchNormalization into the Conv (or the Gemm) in front of it:
 * {@code W' = W * s, B' = (B - mean) * s + beta} with {@code s = gamma / sqrt(var + eps)} per
 * output channel. New weights get new names, since the old ones may be shared.
 */
public final class ConvBatchNormFolding extends LoopPass {
    @Override
    public String name() {
        return "conv-batchnorm-folding";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.BASIC;
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node bn, PassContext ctx) {
        return bn.opType().equals("BatchNormalization") && bn.domain().isEmpty() && fold(g, idx, bn);
    }

    private static boolean fold(Graph g, GraphIndex idx, Node bn) {
        if (bn.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty()) || bn.getInt("training_mode", 0) != 0) {
            return false;
        }
        Node conv = idx.producer(bn.input(0));
        if (conv == null || !conv.domain().isEmpty() || !idx.singleUse(bn.input(0))) {
            return false;
        }
        boolean isConv = conv.opType().equals("Conv");
        boolean isGemm = conv.opType().equals("Gemm");
        if (!isConv && !isGemm) {
            return false;
        }
        Tensor w = idx.constant(conv.input(1));
        Tensor b = conv.hasInput(2) ? idx.constant(conv.input(2)) : null;
        Tensor gamma = idx.constant(bn.input(1)), beta = idx.constant(bn.input(2));
        Tensor mean = idx.constant(bn.input(3)), var = idx.constant(bn.input(4));
        if (w == null || w.dtype() != DType.FLOAT || (conv.hasInput(2) && b == null) || gamma == null || beta == null || mean == null || var == null) {
            return false;
        }
        int channels = gamma.size();
        float eps = bn.getFloat("epsilon", 1e-5f);
        float[] s = new float[channels];
        float[] gv = gamma.asFloats(), vv = var.asFloats(), mv = mean.asFloats(), bv = beta.asFloats();
        if (vv.length != channels || mv.length != channels || bv.length != channels) {
            return false;
        }
        for (int c = 0; c < channels; c++) {
            s[c] = (float) (gv[c] / Math.sqrt(vv[c] + eps));
        }
        float[] wv = w.asFloats().clone();
        float[] nb = new float[channels];
        float[] oldB;
        if (isConv) {
            if (w.dim(0) != channels) {
                return false;
            }
            int per = w.size() / channels;
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < per; i++) {
                    wv[c * per + i] *= s[c];
                }
            }
            oldB = b == null ? new float[channels] : b.asFloats();
            if (oldB.length != channels) {
                return false;
            }
        } else {
            boolean transB = conv.getInt("transB", 0) != 0;
            float alpha = conv.getFloat("alpha", 1f), betaG = conv.getFloat("beta", 1f);
            int n = transB ? w.dim(0) : w.dim(1);
            if (w.rank() != 2 || n != channels || (b != null && b.size() != channels && b.size() != 1)) {
                return false;
            }
            int k = w.size() / n;
            for (int r = 0; r < (transB ? n : k); r++) {
                for (int col = 0; col < (transB ? k : n); col++) {
                    int c = transB ? r : col;
                    wv[r * (transB ? k : n) + col] *= s[c];
                }
            }
            oldB = new float[channels];
            if (b != null) {
                float[] raw = b.asFloats();
                for (int c = 0; c < channels; c++) {
                    oldB[c] = betaG * raw[raw.length == 1 ? 0 : c];
                }
            }
            // alpha scales only A@B; keep it, the new bias is added with beta = 1
            conv.attributes().put("beta", io.ghostflow.runtime.graph.Attribute.of("beta", 1f));
            conv.attributes().put("alpha", io.ghostflow.runtime.graph.Attribute.of("alpha", alpha));
        }
        for (int c = 0; c < channels; c++) {
            nb[c] = (oldB[c] - mv[c]) * s[c] + bv[c];
        }
        String wName = Rewrites.addConstant(g, idx, conv.input(1) + "_bnfold", Tensor.of(wv, w.shape()));
        String bName = Rewrites.addConstant(g, idx, (conv.hasInput(2) ? conv.input(2) : conv.input(1)) + "_bnfold_bias",
                Tensor.of(nb, channels));
        conv.inputs().set(1, wName);
        while (conv.inputs().size() < 3) {
            conv.inputs().add("");
        }
        conv.inputs().set(2, bName);
        conv.outputs().set(0, bn.output(0));
        g.nodes().remove(bn);
        return true;
    }
}
