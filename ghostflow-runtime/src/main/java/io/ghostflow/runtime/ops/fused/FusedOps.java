package io.ghostflow.runtime.ops.fused;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.ExecContext;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Registers GhostFlow's fused operators (domain {@value #DOMAIN}, version 1). The optimizer
 * emits them; see package-info for their exact semantics.
 */
public final class FusedOps {
    public static final String DOMAIN = "io.ghostflow";

    private FusedOps() {
    }

    public static void register(OpRegistry r) {
        r.register(DOMAIN, "FusedConv", 1, FusedOps::fusedConv);
        r.register(DOMAIN, "ConvConcat", 1, ConvConcat::create);
        r.register(DOMAIN, "DepthwisePointwiseConv", 1, DepthwisePointwiseConv::create);
        r.register(DOMAIN, "ConvMaxPool", 1, ConvMaxPool::create);
        r.register(DOMAIN, "ExpandDepthwisePointwiseConv", 1, ExpandDepthwisePointwiseConv::create);
        r.register(DOMAIN, "FusedGemm", 1, (node, cfg) -> {
            boolean ta = node.getInt("transA", 0) != 0, tb = node.getInt("transB", 0) != 0;
            float alpha = node.getFloat("alpha", 1f), beta = node.getFloat("beta", 1f);
            Activation act = Activation.from(node);
            Supplier<OpKernel> general = () -> {
                OpKernel gemm = StandardKernels.create("Gemm", node, node.inputs(), cfg);
                return gemm == null
                        ? (ctx, in) -> out(FusedKernels.gemm(t(in, 0), t(in, 1), t(in, 2), ta, tb, alpha, beta, act, ctx.threads()))
                        : (ctx, in) -> out(FusedKernels.epilogue(StandardKernels.run(gemm, ctx, in), null, null, act, ctx.threads()));
            };
            return orElse(EpilogueKernels.gemm(node, cfg, ta, tb, alpha, beta, act, onFirstUse(general)), general);
        });
        r.register(DOMAIN, "FusedMatMul", 1, (node, cfg) -> {
            Activation act = Activation.from(node);
            Supplier<OpKernel> general = () -> {
                OpKernel mm = StandardKernels.create("MatMul", node, node.inputs().subList(0, 2), cfg);
                return mm == null
                        ? (ctx, in) -> out(FusedKernels.matmulBias(t(in, 0), t(in, 1), t(in, 2), t(in, 3), act, ctx.threads()))
                        : (ctx, in) -> out(FusedKernels.epilogue(StandardKernels.run(mm, ctx, in[0], in[1]), t(in, 2), t(in, 3), act, ctx.threads()));
            };
            return orElse(EpilogueKernels.matmul(node, cfg, act, onFirstUse(general)), general);
        });
        r.register(DOMAIN, "DynamicQuantMatMul", 1, DynamicQuantMatMul::create);
        r.register(DOMAIN, "LayerNormalization", 1, (node, cfg) -> {
            int axis = (int) node.getInt("axis", -1);
            float eps = node.getFloat("epsilon", 1e-5f);
            return (ctx, in) -> out(FusedKernels.layerNorm(t(in, 0), t(in, 1), t(in, 2), axis, eps, ctx.threads(), ctx::floatBuffer));
        });
        r.register(DOMAIN, "Gelu", 1, (node, cfg) -> {
            boolean tanh = node.getString("approximate", "none").equals("tanh");
            return (ctx, in) -> out(Gelu.apply(t(in, 0), tanh, ctx::floatBuffer, ctx.threads()));
        });
        r.register(DOMAIN, "Attention", 1, (node, cfg) -> {
            float scale = node.getFloat("scale", 1f);
            boolean nanToZero = node.getInt("nan_to_zero", 0) != 0;
            if (node.getInt("bshd", 0) != 0) {
                return (ctx, in) -> out(AttentionBshd.run(ctx, t(in, 0), t(in, 1), t(in, 2), t(in, 3), scale, nanToZero));
            }
            OpKernel scores = StandardKernels.create("MatMul", node, node.inputs().subList(0, 2), cfg);
            // the probabilities are no graph value: a fresh name keeps the kernel from treating them as a constant
            OpKernel mix = StandardKernels.create("MatMul", node, java.util.List.of(node.output(0) + "/probs", node.input(2)), cfg);
            if (scores == null || mix == null) {
                return (ctx, in) -> out(FusedKernels.attention(t(in, 0), t(in, 1), t(in, 2), t(in, 3), scale, nanToZero, ctx.threads()));
            }
            return (ctx, in) -> {
                Tensor s = StandardKernels.run(scores, ctx, in[0], in[1]);
                FusedKernels.softmaxRows(s, t(in, 3), scale, nanToZero, ctx.threads());
                return mix.run(ctx, new Value[] {s, in[2]});
            };
        });
    }

    /** The FusedConv kernel: the single-pass one when the weights are constants, else the general one. */
    static OpKernel fusedConv(Node node, io.ghostflow.runtime.ops.OpConfig cfg) {
        ConvParams p = ConvParams.from(node);
        Activation act = Activation.from(node);
        Supplier<OpKernel> general = () -> {
            OpKernel conv = StandardKernels.create("Conv", node, node.inputs().subList(0, Math.min(3, node.inputs().size())), cfg);
            return conv == null
                    ? (ctx, in) -> out(FusedKernels.conv2d(t(in, 0), t(in, 1), t(in, 2), t(in, 3), p, act, ctx.threads()))
                    : (ctx, in) -> {
                        Tensor y = StandardKernels.run(conv, ctx, java.util.Arrays.copyOf(in, Math.min(3, in.length)));
                        return out(FusedKernels.epilogue(y, null, t(in, 3), act, ctx.threads()));
                    };
        };
        return orElse(EpilogueKernels.conv(node, cfg, p, act, onFirstUse(general)), general);
    }

    /** The single-pass kernel when the node fits it, else the general one (built now). */
    private static OpKernel orElse(OpKernel fast, Supplier<OpKernel> general) {
        return fast != null ? fast : general.get();
    }

    /**
     * The general kernel behind a single-pass one, built when a run first needs it (a fed weight,
     * a broadcast residual): building it packs or transforms the weights a second time, which
     * would double the session's load time and weight memory for a path most models never take.
     */
    static OpKernel onFirstUse(Supplier<OpKernel> build) {
        return new OpKernel() {
            private volatile OpKernel built;

            @Override
            public Value[] run(ExecContext ctx, Value[] in) {
                OpKernel k = built;
                if (k == null) {
                    synchronized (this) {
                        k = built;
                        if (k == null) {
                            k = build.get();
                            built = k;
                        }
                    }
                }
                return k.run(ctx, in);
            }
        };
    }

    /**
     * The FusedConv a fused node holds: its attributes stored behind {@code prefix} (prefix
     * dropped), the given inputs without trailing empty names, one output.
     */
    static Node fusedConvPart(Node node, String prefix, List<String> given, String name, String output) {
        Map<String, Attribute> attrs = unprefixed(node, prefix);
        List<String> inputs = new ArrayList<>(given);
        while (!inputs.isEmpty() && inputs.get(inputs.size() - 1).isEmpty()) {
            inputs.remove(inputs.size() - 1);
        }
        return new Node(name, "FusedConv", DOMAIN, inputs, List.of(output), attrs);
    }

    /** The attributes of node stored behind {@code prefix}, under their names without it. */
    static Map<String, Attribute> unprefixed(Node node, String prefix) {
        Map<String, Attribute> attrs = new HashMap<>();
        for (Attribute a : node.attributes().values()) {
            if (a.name().startsWith(prefix)) {
                String n = a.name().substring(prefix.length());
                attrs.put(n, new Attribute(n, a.type(), a.value(), a.refName()));
            }
        }
        return attrs;
    }

    /** Builds a node in the fused domain. */
    public static Node node(String name, String opType, java.util.List<String> inputs, String output) {
        return new Node(name, opType, DOMAIN, inputs, java.util.List.of(output), java.util.Map.of());
    }

    private static Tensor t(Value[] in, int i) {
        return i < in.length ? (Tensor) in[i] : null;
    }

    private static Value[] out(Tensor t) {
        return new Value[] {t};
    }
}
