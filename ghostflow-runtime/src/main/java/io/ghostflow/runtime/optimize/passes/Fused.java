package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.Activation;
import io.ghostflow.runtime.ops.fused.FusedOps;

/** Helpers to turn a standard node into its fused GhostFlow form in place. */
final class Fused {
    private Fused() {
    }

    static boolean is(Node n, String op) {
        return n != null && n.domain().isEmpty() && n.opType().equals(op);
    }

    static boolean isFused(Node n, String op) {
        return n != null && n.domain().equals(FusedOps.DOMAIN) && n.opType().equals(op);
    }

    /** True when {@code value} is known to hold something other than float32 (fused kernels are float only). */
    static boolean notFloat(io.ghostflow.runtime.optimize.PassContext ctx, String value) {
        io.ghostflow.tensor.DType t = ctx.shapes().typeOrGuess(value);
        return t != null && t != io.ghostflow.tensor.DType.FLOAT;
    }

    /** Activation currently on a fused node (NONE for standard nodes). */
    static Activation activation(Node n) {
        return n.domain().equals(FusedOps.DOMAIN) ? Activation.from(n) : Activation.NONE;
    }

    /** Conv -> FusedConv, Gemm -> FusedGemm (attributes kept); fused nodes stay as they are. */
    static void promote(Node n) {
        if (n.domain().isEmpty()) {
            n.setOpType("Fused" + n.opType());
            n.setDomain(FusedOps.DOMAIN);
        }
    }

    /** Copies from's attributes into to, each renamed to {@code prefix + name} (a fused node holding several ops). */
    static void copyAttributes(Node from, String prefix, java.util.Map<String, Attribute> to) {
        for (Attribute a : from.attributes().values()) {
            String name = prefix + a.name();
            to.put(name, new Attribute(name, a.type(), a.value(), a.refName()));
        }
    }

    /** True when every value is v (an attribute such as strides or dilations). */
    static boolean allEqual(long[] values, long v) {
        for (long x : values) {
            if (x != v) {
                return false;
            }
        }
        return true;
    }

    /** True when n's activation (none on a standard node) is one the kernels apply in registers: none, ReLU, Clip. */
    static boolean registerActivation(Node n) {
        Activation.Kind kind = activation(n).kind();
        return kind == Activation.Kind.NONE || kind == Activation.Kind.RELU || kind == Activation.Kind.CLIP;
    }

    static void setActivation(Node n, Activation a) {
        a.writeTo(n.attributes());
    }
}
