package io.ghostflow.runtime.exec;

import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Set;

/**
 * Last-run results of the graph's shape arithmetic (Shape, Unsqueeze, Gather, Concat... on small
 * integer tensors), reused while the shapes they derive from stay the same. Transformer exports
 * compute reshape targets and masks from {@code Shape(x)} at every run because the sequence
 * length is symbolic; with fixed input shapes those dozens of tiny nodes give the same values
 * each time, and their per-node cost (allocation, dispatch) added up to a tenth of bert_tiny.
 *
 * <p>Which nodes take part is decided once from the graph ({@link #eligible}): a pure op of the
 * default domain whose inputs are all initializers or outputs of other eligible nodes, or a
 * Shape / Size node (which reads only its input's shape, whatever produced it). So every
 * value such a node reads is either constant, a shape, or a memoized result; graph inputs and
 * activations never are, so their contents cannot go stale here. At run time a node is skipped
 * when its inputs are the very objects of the last run (Shape / Size: an input of the same
 * shape), and only integer and boolean results are kept: they are never pool buffers (the
 * pool recycles float arrays only) and no op writes into its inputs, so a kept tensor stays
 * as it was. One memo per {@link BufferPool}, i.e. per concurrently running frame.
 */
final class ShapeMemo {
    /** Deterministic ops whose output depends on nothing but their inputs and attributes. */
    static final Set<String> PURE_OPS = Set.of("Shape", "Size", "Unsqueeze", "Squeeze", "Gather", "Concat", "Slice",
            "Cast", "Reshape", "Flatten", "Identity", "Add", "Sub", "Mul", "Div", "Neg", "Abs", "Min", "Max",
            "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Not", "Where", "Range",
            "ConstantOfShape", "Expand", "Tile", "ReduceProd", "ReduceSum");

    private final Value[][] args;
    private final int[][][] shapes;
    private final Value[][] results;

    ShapeMemo(int nodes) {
        args = new Value[nodes][];
        shapes = new int[nodes][][];
        results = new Value[nodes][];
    }

    /** Whether a node may be memoized: a pure default-domain op without subgraphs. */
    static boolean pureOp(String domain, String opType, boolean hasSubgraphs) {
        return (domain.isEmpty() || domain.equals("ai.onnx")) && !hasSubgraphs && PURE_OPS.contains(opType);
    }

    static boolean readsShapeOnly(String opType) {
        return opType.equals("Shape") || opType.equals("Size");
    }

    /** Last run's results of node {@code i} if its inputs are unchanged, else null. */
    Value[] lookup(int i, Value[] in, boolean shapeOnly) {
        Value[] r = results[i];
        if (r == null) {
            return null;
        }
        Value[] last = args[i];
        if (last.length != in.length) {
            return null;
        }
        for (int k = 0; k < in.length; k++) {
            if (shapeOnly) {
                if (!(in[k] instanceof Tensor t) || !sameShape(t, shapes[i][k])) {
                    return null;
                }
            } else if (in[k] != last[k]) {
                return null;
            }
        }
        return r;
    }

    /** Keeps node {@code i}'s results for the next run when they are all integer or boolean tensors. */
    void store(int i, Value[] in, Value[] out, boolean shapeOnly) {
        results[i] = null;
        if (out == null) {
            return;
        }
        for (Value v : out) {
            if (!(v instanceof Tensor t) || !kept(t.dtype())) {
                return;
            }
        }
        if (shapeOnly) {
            int[][] s = new int[in.length][];
            for (int k = 0; k < in.length; k++) {
                if (!(in[k] instanceof Tensor t)) {
                    return;
                }
                s[k] = t.shape();
            }
            shapes[i] = s;
            args[i] = new Value[in.length];
        } else {
            args[i] = in.clone();
        }
        results[i] = out.clone();
    }

    private static boolean kept(DType d) {
        return d == DType.INT64 || d == DType.INT32 || d == DType.BOOL;
    }

    private static boolean sameShape(Tensor t, int[] s) {
        if (t.rank() != s.length) {
            return false;
        }
        for (int d = 0; d < s.length; d++) {
            if (t.dim(d) != s[d]) {
                return false;
            }
        }
        return true;
    }
}
