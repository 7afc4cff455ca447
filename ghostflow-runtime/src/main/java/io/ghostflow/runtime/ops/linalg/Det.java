package io.ghostflow.runtime.ops.linalg;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/** Det over the last two dims (batched), by LU decomposition with partial pivoting in double. */
final class Det {
    private Det() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        return (ctx, in) -> {
            Tensor x = FloatIO.require(in[0], "Det input");
            int[] xs = x.shape();
            if (xs.length < 2 || xs[xs.length - 1] != xs[xs.length - 2]) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "Det needs square matrices, got " + java.util.Arrays.toString(xs));
            }
            int n = xs[xs.length - 1];
            int[] ys = java.util.Arrays.copyOf(xs, xs.length - 2);
            Tensor y = Tensor.zeros(x.dtype(), ys);
            double[] v = x.asDoubles();
            double[] a = new double[n * n];
            for (int b = 0; b < y.size(); b++) {
                System.arraycopy(v, b * n * n, a, 0, n * n);
                y.setDouble(b, det(a, n));
            }
            return new Value[] {y};
        };
    }

    static double det(double[] a, int n) {
        double det = 1;
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r * n + c]) > Math.abs(a[p * n + c])) {
                    p = r;
                }
            }
            if (a[p * n + c] == 0) {
                return 0;
            }
            if (p != c) {
                for (int k = 0; k < n; k++) {
                    double t = a[c * n + k];
                    a[c * n + k] = a[p * n + k];
                    a[p * n + k] = t;
                }
                det = -det;
            }
            double piv = a[c * n + c];
            det *= piv;
            for (int r = c + 1; r < n; r++) {
                double f = a[r * n + c] / piv;
                for (int k = c; k < n; k++) {
                    a[r * n + k] -= f * a[c * n + k];
                }
            }
        }
        return det;
    }
}
