package io.ghostflow.runtime.ops;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One registered operator used outside a model: the nn module's forward passes and focused op
 * tests run exactly the kernels an exported model runs with. By default nothing is treated as a
 * constant (weights change between calls, so nothing may be pre-packed); tests of the pre-packed
 * paths name their constant inputs ("x1" is input 1). There are no subgraphs.
 */
public final class SingleOp {
    private SingleOp() {
    }

    /** A context with {@code threads} intra-op threads and no outer values. */
    public static ExecContext context(int threads) {
        return new ExecContext() {
            @Override
            public int threads() {
                return threads;
            }

            @Override
            public Value lookup(String name) {
                return null;
            }
        };
    }

    /**
     * Prepares the kernel of {@code opType} in {@code domain} at {@code opset} for a node with
     * {@code inputs} input slots (false = omitted optional input) and {@code outputs} outputs.
     */
    public static OpKernel kernel(String domain, String opType, int opset, boolean[] inputs, int outputs,
                                  Map<String, Attribute> attrs, int threads) {
        return kernel(domain, opType, opset, inputs, outputs, attrs, Map.of(), threads);
    }

    /** {@link #kernel(String, String, int, boolean[], int, Map, int)} with {@code constants} by input name ("x" + index). */
    public static OpKernel kernel(String domain, String opType, int opset, boolean[] inputs, int outputs,
                                  Map<String, Attribute> attrs, Map<String, Tensor> constants, int threads) {
        List<String> in = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            in.add(inputs[i] ? "x" + i : "");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            out.add("y" + i);
        }
        Node node = new Node(opType, opType, domain, in, out, attrs);
        OpRegistry.Match match = OpRegistry.defaults().lookup(domain, opType, opset);
        OpConfig config = new OpConfig() {
            @Override
            public int opset() {
                return opset;
            }

            @Override
            public int sinceVersion() {
                return match.sinceVersion();
            }

            @Override
            public int threads() {
                return threads;
            }

            @Override
            public Tensor constant(String name) {
                return constants.get(name);
            }

            @Override
            public SubgraphRunner compile(Graph body) {
                throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, opType + ": no subgraphs in single-op calls");
            }
        };
        return match.factory().create(node, config);
    }

    /** Prepares and runs once; null inputs are omitted optional inputs. */
    public static Value[] run(String domain, String opType, int opset, Map<String, Attribute> attrs, int outputs, int threads,
                              Value... inputs) {
        return run(domain, opType, opset, attrs, Map.of(), outputs, threads, inputs);
    }

    /** {@link #run(String, String, int, Map, int, int, Value...)} with {@code constants} by input name ("x" + index). */
    public static Value[] run(String domain, String opType, int opset, Map<String, Attribute> attrs,
                              Map<String, Tensor> constants, int outputs, int threads, Value... inputs) {
        boolean[] present = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            present[i] = inputs[i] != null;
        }
        return kernel(domain, opType, opset, present, outputs, attrs, constants, threads).run(context(threads), inputs);
    }
}
