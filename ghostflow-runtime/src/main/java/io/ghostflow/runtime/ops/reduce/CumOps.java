package io.ghostflow.runtime.ops.reduce;

import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.ops.math.Broadcasting;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/** CumSum and CumProd along an axis given as an input, with {@code exclusive} and {@code reverse}. */
public final class CumOps {
    private CumOps() {
    }

    public static void register(OpRegistry r) {
        r.register("CumSum", new int[] {11, 14}, (node, cfg) -> kernel(node, false));
        r.register("CumProd", new int[] {26}, (node, cfg) -> kernel(node, true));
    }

    static io.ghostflow.runtime.ops.OpKernel kernel(io.ghostflow.runtime.graph.Node node, boolean prod) {
        boolean exclusive = node.getInt("exclusive", 0) != 0;
        boolean reverse = node.getInt("reverse", 0) != 0;
        return (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            int[] shape = x.shape();
            int axis = Shapes.axis((int) ((Tensor) in[1]).getLong(0), shape.length, node.label());
            int outer = 1;
            for (int i = 0; i < axis; i++) {
                outer *= shape[i];
            }
            int len = shape[axis];
            int inner = 1;
            for (int i = axis + 1; i < shape.length; i++) {
                inner *= shape[i];
            }
            boolean integer = !x.dtype().isFloatingPoint();
            double[] d = integer ? null : x.asDoubles();
            long[] l = integer ? x.asLongs() : null;
            double[] od = integer ? null : new double[x.size()];
            long[] ol = integer ? new long[x.size()] : null;
            for (int o = 0; o < outer; o++) {
                for (int k = 0; k < inner; k++) {
                    double accD = prod ? 1 : 0;
                    long accL = prod ? 1 : 0;
                    for (int s = 0; s < len; s++) {
                        int j = reverse ? len - 1 - s : s;
                        int idx = (o * len + j) * inner + k;
                        if (exclusive) {
                            if (integer) {
                                ol[idx] = accL;
                            } else {
                                od[idx] = accD;
                            }
                        }
                        if (integer) {
                            accL = prod ? accL * l[idx] : accL + l[idx];
                        } else {
                            accD = prod ? accD * d[idx] : accD + d[idx];
                        }
                        if (!exclusive) {
                            if (integer) {
                                ol[idx] = accL;
                            } else {
                                od[idx] = accD;
                            }
                        }
                    }
                }
            }
            return new Value[] {integer ? Broadcasting.fromLongs(x.dtype(), ol, shape) : Broadcasting.fromDoubles(x.dtype(), od, shape)};
        };
    }
}
