package io.ghostflow.runtime.ops.sequence;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.OptionalValue;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/** Optional, OptionalHasElement, OptionalGetElement. From opset 18 the last two also accept a plain tensor or sequence. */
final class OptionalOps {
    private OptionalOps() {
    }

    static void register(OpRegistry r) {
        r.register("Optional", 15, (node, cfg) -> (ctx, in) -> {
            Value v = in.length > 0 ? in[0] : null;
            return new Value[] {v == null ? OptionalValue.EMPTY : new OptionalValue(v)};
        });
        r.register("OptionalHasElement", new int[] {15, 18}, (node, cfg) -> (ctx, in) -> {
            Value v = in.length > 0 ? in[0] : null;
            boolean has = v instanceof OptionalValue o ? o.isPresent() : v != null;
            return new Value[] {Tensor.ofBools(new boolean[] {has})};
        });
        r.register("OptionalGetElement", new int[] {15, 18}, (node, cfg) -> (ctx, in) -> {
            Value v = in.length > 0 ? in[0] : null;
            if (v instanceof OptionalValue o) {
                if (!o.isPresent()) {
                    throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "OptionalGetElement: the optional is empty");
                }
                return new Value[] {o.value()};
            }
            if (v == null) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "OptionalGetElement: no input");
            }
            return new Value[] {v};
        });
    }
}
