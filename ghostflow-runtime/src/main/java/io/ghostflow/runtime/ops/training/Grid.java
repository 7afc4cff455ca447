package io.ghostflow.runtime.ops.training;

import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;

/** A dense double tensor used by back-propagation, with numpy broadcasting helpers. */
record Grid(double[] v, int[] shape) {
    static Grid of(Tensor t) {
        return new Grid(t.asDoubles(), t.shape());
    }

    static Grid filled(int[] shape, double value) {
        double[] v = new double[Shapes.size(shape)];
        java.util.Arrays.fill(v, value);
        return new Grid(v, shape);
    }

    Tensor toTensor(DType dtype) {
        Tensor t = Tensor.zeros(dtype, shape);
        for (int i = 0; i < v.length; i++) {
            t.setDouble(i, v[i]);
        }
        return t;
    }

    /** This grid read at the (larger, broadcast) shape {@code to}. */
    Grid expand(int[] to) {
        if (java.util.Arrays.equals(shape, to)) {
            return this;
        }
        int[] st = Shapes.broadcastStrides(shape, to);
        double[] out = new double[Shapes.size(to)];
        int[] idx = new int[to.length];
        int src = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = v[src];
            for (int d = to.length - 1; d >= 0; d--) {
                idx[d]++;
                src += st[d];
                if (idx[d] < to[d]) {
                    break;
                }
                src -= st[d] * idx[d];
                idx[d] = 0;
            }
        }
        return new Grid(out, to.clone());
    }

    /** Sums this grid (of a broadcast shape) down to {@code to}: the adjoint of {@link #expand}. */
    Grid reduceTo(int[] to) {
        if (java.util.Arrays.equals(shape, to)) {
            return this;
        }
        int[] st = Shapes.broadcastStrides(to, shape);
        double[] out = new double[Shapes.size(to)];
        int[] idx = new int[shape.length];
        int dst = 0;
        for (int i = 0; i < v.length; i++) {
            out[dst] += v[i];
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d]++;
                dst += st[d];
                if (idx[d] < shape[d]) {
                    break;
                }
                dst -= st[d] * idx[d];
                idx[d] = 0;
            }
        }
        return new Grid(out, to.clone());
    }

    Grid plus(Grid o) {
        int[] s = Shapes.broadcast(shape, o.shape);
        Grid a = expand(s);
        Grid b = o.expand(s);
        double[] out = new double[a.v.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.v[i] + b.v[i];
        }
        return new Grid(out, s);
    }
}
