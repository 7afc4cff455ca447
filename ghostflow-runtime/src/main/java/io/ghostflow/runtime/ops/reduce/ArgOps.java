package io.ghostflow.runtime.ops.reduce;

import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.ops.math.Broadcasting;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/** ArgMax / ArgMin along one axis, INT64 output; {@code select_last_index} from opset 12. */
public final class ArgOps {
    private ArgOps() {
    }

    public static void register(OpRegistry r) {
        for (String op : new String[] {"ArgMax", "ArgMin"}) {
            boolean isMax = op.equals("ArgMax");
            r.register(op, new int[] {1, 11, 12, 13}, (node, cfg) -> {
                long axisAttr = node.getInt("axis", 0);
                boolean keep = node.getInt("keepdims", 1) != 0;
                boolean last = node.getInt("select_last_index", 0) != 0;
                return (ctx, in) -> new Value[] {arg((Tensor) in[0], (int) axisAttr, keep, last, isMax, node.label())};
            });
        }
    }

    static Tensor arg(Tensor x, int axisAttr, boolean keep, boolean last, boolean isMax, String label) {
        int[] shape = x.shape();
        int axis = Shapes.axis(axisAttr, shape.length, label);
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= shape[i];
        }
        int len = shape[axis];
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        long[] out = new long[outer * inner];
        boolean integer = !x.dtype().isFloatingPoint();
        DType t = x.dtype();
        double[] d = integer ? null : x.asDoubles();
        long[] l = integer ? x.asLongs() : null;
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * len * inner + in;
                int best = 0;
                for (int j = 1; j < len; j++) {
                    int c = integer ? Broadcasting.compareInts(l[base + j * inner], l[base + best * inner], t)
                            : Double.compare(d[base + j * inner], d[base + best * inner]);
                    if (!isMax) {
                        c = -c;
                    }
                    if (c > 0 || (c == 0 && last)) {
                        best = j;
                    }
                }
                out[o * inner + in] = best;
            }
        }
        int[] outShape;
        if (keep) {
            outShape = shape.clone();
            outShape[axis] = 1;
        } else {
            outShape = new int[shape.length - 1];
            for (int i = 0, k = 0; i < shape.length; i++) {
                if (i != axis) {
                    outShape[k++] = shape[i];
                }
            }
        }
        return Tensor.ofLongs(out, outShape);
    }
}
