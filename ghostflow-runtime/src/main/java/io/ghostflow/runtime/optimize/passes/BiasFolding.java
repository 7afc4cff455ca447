package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.runtime.optimize.PassContext;
import io.ghostflow.runtime.optimize.Rewrites;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;

/**
 * Folds {@code Add(conv(x), c)} with a per-output-channel constant c into the Conv bias, and
 * {@code Add(Gemm(a, b), c)} into Gemm's C, so the addition happens in the kernel's epilogue.
 */
public final class BiasFolding extends LoopPass {
    @Override
    public String name() {
        return "bias-folding";
    }

    @Override
    public OptimizationLevel level() {
        return OptimizationLevel.EXTENDED;
    }

    @Override
    boolean rewrite(Graph g, GraphIndex idx, Node add, PassContext ctx) {
        return Fused.is(add, "Add") && fold(g, idx, add);
    }

    private static boolean fold(Graph g, GraphIndex idx, Node add) {
        for (int side = 0; side < 2; side++) {
            Node p = idx.producer(add.input(side));
            Tensor c = idx.constant(add.input(1 - side));
            if (p == null || c == null || c.dtype() != DType.FLOAT || !idx.singleUse(add.input(side))) {
                continue;
            }
            if (Fused.is(p, "Conv") && convBias(g, idx, p, c)) {
                p.outputs().set(0, add.output(0));
                g.nodes().remove(add);
                return true;
            }
            if (Fused.is(p, "Gemm") && gemmBias(g, idx, p, c)) {
                p.outputs().set(0, add.output(0));
                g.nodes().remove(add);
                return true;
            }
        }
        return false;
    }

    private static boolean convBias(Graph g, GraphIndex idx, Node conv, Tensor c) {
        Tensor w = idx.constant(conv.input(1));
        if (w == null) {
            return false;
        }
        int m = w.dim(0);
        int rank = w.rank();
        int[] cs = c.shape();
        // accepted: [M, 1, ..., 1] (rank-1 trailing ones) or [1, M, 1, ..., 1], or a scalar
        boolean perChannel = c.size() == m && cs.length >= rank - 1 && cs.length <= rank
                && cs[cs.length - (rank - 1)] == m;
        if (!perChannel && c.size() != 1) {
            return false;
        }
        if (cs.length > rank) {
            return false;
        }
        float[] cv = c.asFloats();
        float[] nb = new float[m];
        Tensor old = conv.hasInput(2) ? idx.constant(conv.input(2)) : null;
        if (conv.hasInput(2) && old == null) {
            return false;
        }
        for (int i = 0; i < m; i++) {
            nb[i] = (old == null ? 0 : old.getFloat(i)) + cv[cv.length == 1 ? 0 : i];
        }
        String name = Rewrites.addConstant(g, idx, conv.input(1) + "_bias", Tensor.of(nb, m));
        while (conv.inputs().size() < 3) {
            conv.inputs().add("");
        }
        conv.inputs().set(2, name);
        return true;
    }

    private static boolean gemmBias(Graph g, GraphIndex idx, Node gemm, Tensor c) {
        if (c.rank() > 2) {
            return false;
        }
        Tensor old = gemm.hasInput(2) ? idx.constant(gemm.input(2)) : null;
        if (gemm.hasInput(2) && old == null) {
            return false;
        }
        float beta = gemm.getFloat("beta", 1f);
        Tensor sum;
        if (old == null) {
            sum = c;
        } else {
            int[] shape = io.ghostflow.tensor.Shapes.broadcast(old.shape(), c.shape());
            int n = io.ghostflow.tensor.Shapes.size(shape);
            float[] out = new float[n];
            Tensor ob = broadcastTo(old, shape), cb = broadcastTo(c, shape);
            for (int i = 0; i < n; i++) {
                out[i] = beta * ob.getFloat(i) + cb.getFloat(i);
            }
            sum = Tensor.of(out, shape);
        }
        String name = Rewrites.addConstant(g, idx, gemm.output(0) + "_bias", sum);
        while (gemm.inputs().size() < 3) {
            gemm.inputs().add("");
        }
        gemm.inputs().set(2, name);
        gemm.attributes().put("beta", Attribute.of("beta", 1f));
        return true;
    }

    static Tensor broadcastTo(Tensor t, int[] shape) {
        int n = io.ghostflow.tensor.Shapes.size(shape);
        float[] v = t.asFloats();
        float[] out = new float[n];
        int[] st = io.ghostflow.tensor.Shapes.broadcastStrides(t.shape(), shape);
        int[] idx = new int[shape.length];
        for (int i = 0; i < n; i++) {
            int off = 0;
            for (int d = 0; d < shape.length; d++) {
                off += idx[d] * st[d];
            }
            out[i] = v[off];
            for (int d = shape.length - 1; d >= 0 && ++idx[d] == shape[d]; d--) {
                idx[d] = 0;
            }
        }
        return Tensor.of(out, shape);
    }
}
