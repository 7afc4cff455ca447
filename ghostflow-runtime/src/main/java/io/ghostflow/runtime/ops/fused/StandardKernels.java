package io.ghostflow.runtime.ops.fused;

import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.ExecContext;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registered standard kernel for the heavy part of a fused op (Conv, Gemm, MatMul), so a
 * fused op is never slower than the unfused graph: the standard kernel does the product with
 * its own packing and threading, the fused op applies bias, residual and activation in place
 * on the fresh result, saving the intermediate tensors and passes. When no standard kernel is
 * registered, callers fall back to the plain loops in FusedKernels.
 */
final class StandardKernels {
    private static final Set<String> FUSED_ATTRS = Set.of("activation", "activation_params");

    private StandardKernels() {
    }

    /** The standard {@code opType} kernel for {@code like}'s inputs and attributes, or null. */
    static OpKernel create(String opType, Node like, List<String> inputs, OpConfig cfg) {
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        like.attributes().forEach((k, v) -> {
            if (!FUSED_ATTRS.contains(k)) {
                attrs.put(k, v);
            }
        });
        Node n = new Node(like.name(), opType, "", inputs, List.of(like.output(0)), attrs);
        try {
            OpRegistry.Match m = OpRegistry.defaults().lookup("", opType, 17);
            return m.factory().create(n, cfg);
        } catch (GhostFlowException e) {
            return null;
        }
    }

    /** Runs a standard kernel and returns its first output as a heap tensor safe to modify. */
    static Tensor run(OpKernel k, ExecContext ctx, Value... in) {
        Tensor t = (Tensor) k.run(ctx, in)[0];
        for (Value v : in) {
            if (v == t) {
                return t.copy();
            }
        }
        return t.isHeap() ? t : t.copy();
    }
}
