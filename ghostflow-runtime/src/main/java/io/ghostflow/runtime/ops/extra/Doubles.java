package io.ghostflow.runtime.ops.extra;

import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;

/** Builds a tensor of a floating dtype from values computed in double. */
final class Doubles {
    private Doubles() {
    }

    static Tensor toTensor(DType dtype, double[] v, int... shape) {
        if (dtype == DType.DOUBLE) {
            return Tensor.ofDoubles(v, shape);
        }
        if (dtype == DType.FLOAT) {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            return Tensor.of(f, shape);
        }
        Tensor t = Tensor.zeros(dtype, shape);
        for (int i = 0; i < v.length; i++) {
            t.setDouble(i, v[i]);
        }
        return t;
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
