package io.ghostflow.runtime.ops.logic;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.ops.OpFactory;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.ops.math.BroadcastPlan;
import io.ghostflow.runtime.ops.math.Broadcasting;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/** Equal, Greater, Less, GreaterOrEqual, LessOrEqual: broadcasting, BOOL output; Equal also on strings. */
public final class ComparisonOps {
    private ComparisonOps() {
    }

    public static void register(OpRegistry r) {
        r.register("Equal", new int[] {1, 7, 11, 13, 19}, (node, cfg) -> (ctx, in) -> {
            Tensor a = (Tensor) in[0];
            Tensor b = (Tensor) in[1];
            if (a.dtype() == DType.STRING) {
                return new Value[] {stringEqual(a, b)};
            }
            return new Value[] {Broadcasting.compare(a, b, "Equal", (x, y) -> x == y, (x, y, t) -> x == y)};
        });
        r.register("Greater", new int[] {1, 7, 9, 13}, cmp("Greater", c -> c > 0));
        r.register("Less", new int[] {1, 7, 9, 13}, cmp("Less", c -> c < 0));
        r.register("GreaterOrEqual", new int[] {12, 16}, cmp("GreaterOrEqual", c -> c >= 0));
        r.register("LessOrEqual", new int[] {12, 16}, cmp("LessOrEqual", c -> c <= 0));
    }

    interface Sign {
        boolean test(int cmp);
    }

    static OpFactory cmp(String name, Sign s) {
        // doubles compare with <, > so that any NaN gives false, as IEEE and numpy do
        Broadcasting.DoublePredicate2 d = switch (name) {
            case "Greater" -> (x, y) -> x > y;
            case "Less" -> (x, y) -> x < y;
            case "GreaterOrEqual" -> (x, y) -> x >= y;
            default -> (x, y) -> x <= y;
        };
        return (node, cfg) -> (ctx, in) -> new Value[] {
            Broadcasting.compare((Tensor) in[0], (Tensor) in[1], name, d, (x, y, t) -> s.test(Broadcasting.compareInts(x, y, t)))};
    }

    static Tensor stringEqual(Tensor a, Tensor b) {
        if (b.dtype() != DType.STRING) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "Equal: input types differ (STRING and " + b.dtype() + ")");
        }
        BroadcastPlan p = BroadcastPlan.broadcast(a.shape(), b.shape());
        int[] ia = p.index(0);
        int[] ib = p.index(1);
        String[] x = a.strings();
        String[] y = b.strings();
        byte[] out = new byte[p.size];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (x[ia[i]].equals(y[ib[i]]) ? 1 : 0);
        }
        return Tensor.ofArray(DType.BOOL, out, p.outShape);
    }
}
