package io.ghostflow.runtime.optimize.passes;

import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.fused.Activation;
import io.ghostflow.runtime.ops.fused.FusedOps;
import io.ghostflow.runtime.optimize.GraphIndex;
import io.ghostflow.tensor.Tensor;
import java.util.List;

/**
 * Recognises an activation applied to value {@code x}: a single node (Relu, Clip, LeakyRelu,
 * HardSigmoid, HardSwish, Sigmoid, Tanh, fused Gelu) or the pair {@code x * Sigmoid(x)} (SiLU).
 * Returns the nodes to absorb (last one's output becomes the fused output) and the activation.
 */
record ActivationMatch(Activation activation, List<Node> nodes) {
    Node last() {
        return nodes.get(nodes.size() - 1);
    }

    /** The activation consuming {@code x}, if {@code x} has exactly the consumers the pattern needs. */
    static ActivationMatch after(String x, GraphIndex idx) {
        if (idx.isGraphOutput(x)) {
            return null;
        }
        List<Node> users = idx.consumers(x);
        if (users.size() == 1) {
            Node n = users.get(0);
            Activation a = single(n, idx);
            return a == null ? null : new ActivationMatch(a, List.of(n));
        }
        if (users.size() == 2) {
            Node sig = users.stream().filter(u -> is(u, "Sigmoid")).findFirst().orElse(null);
            Node mul = users.stream().filter(u -> is(u, "Mul")).findFirst().orElse(null);
            if (sig != null && mul != null && idx.singleUse(sig.output(0)) && idx.consumers(sig.output(0)).get(0) == mul
                    && mul.inputs().contains(x) && mul.inputs().contains(sig.output(0))) {
                return new ActivationMatch(Activation.of(Activation.Kind.SILU), List.of(sig, mul));
            }
        }
        return null;
    }

    private static boolean is(Node n, String op) {
        return n.domain().isEmpty() && n.opType().equals(op);
    }

    private static Activation single(Node n, GraphIndex idx) {
        if (n.domain().equals(FusedOps.DOMAIN) && n.opType().equals("Gelu")) {
            return Activation.of(n.getString("approximate", "none").equals("tanh") ? Activation.Kind.GELU_TANH : Activation.Kind.GELU);
        }
        if (!n.domain().isEmpty() || n.outputs().size() != 1) {
            return null;
        }
        return switch (n.opType()) {
            case "Relu" -> Activation.of(Activation.Kind.RELU);
            case "Sigmoid" -> Activation.of(Activation.Kind.SIGMOID);
            case "Tanh" -> Activation.of(Activation.Kind.TANH);
            case "HardSwish" -> Activation.of(Activation.Kind.HARD_SWISH);
            case "LeakyRelu" -> Activation.of(Activation.Kind.LEAKY_RELU, n.getFloat("alpha", 0.01f));
            case "HardSigmoid" -> Activation.of(Activation.Kind.HARD_SIGMOID, n.getFloat("alpha", 0.2f), n.getFloat("beta", 0.5f));
            case "Clip" -> clip(n, idx);
            default -> null;
        };
    }

    private static Activation clip(Node n, GraphIndex idx) {
        float lo = n.getFloat("min", Float.NEGATIVE_INFINITY);
        float hi = n.getFloat("max", Float.POSITIVE_INFINITY);
        if (n.hasInput(1)) {
            Tensor t = idx.constant(n.input(1));
            if (t == null || t.size() != 1) {
                return null;
            }
            lo = (float) t.getDouble(0);
        }
        if (n.hasInput(2)) {
            Tensor t = idx.constant(n.input(2));
            if (t == null || t.size() != 1) {
                return null;
            }
            hi = (float) t.getDouble(0);
        }
        return Activation.of(Activation.Kind.CLIP, lo, hi);
    }
}
