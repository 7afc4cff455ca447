package io.ghostflow.runtime.shape;

import io.ghostflow.runtime.exec.TopologicalOrder;
import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds static shapes by running the graph once on placeholder inputs of the declared shapes
 * (after free-dimension overrides), when all of them are fixed. That reuses every kernel's own
 * shape logic instead of a second copy of it. A recorded shape is trusted only where it cannot
 * depend on input data: a value-shaped op (Reshape, Expand, Slice, Range, ...) counts as static
 * only when the inputs that decide its shape are themselves constants or shape arithmetic.
 */
public final class ShapeAnalysis {
    /** Ops whose output shape never follows from input shapes alone. */
    private static final Set<String> DATA_SHAPED = Set.of("NonZero", "Compress", "Unique", "NonMaxSuppression", "StringSplit",
            "Loop", "If", "Scan", "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli",
            "SequenceAt", "SequenceConstruct", "SplitToSequence", "ConcatFromSequence", "Optional", "OptionalGetElement");
    /** Ops whose output shape follows from input 0's shape plus the values of the other inputs. */
    private static final Set<String> VALUE_SHAPED = Set.of("Reshape", "Expand", "Slice", "Tile", "Range", "ConstantOfShape", "OneHot",
            "Resize", "Upsample", "Pad", "Squeeze", "Unsqueeze", "Split", "TopK", "CenterCropPad", "ReduceMean", "ReduceSum", "ReduceMax",
            "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "GridSample", "Col2Im");

    private ShapeAnalysis() {
    }

    public static ShapeInfo analyze(Graph graph, Map<String, Integer> opsets, OpRegistry registry, Map<String, Integer> freeDims) {
        Map<String, DType> types = new HashMap<>();
        Map<String, int[]> recorded = new HashMap<>();
        Set<String> initNames = graph.initializers().keySet();
        graph.initializers().forEach((k, t) -> {
            types.put(k, t.dtype());
            recorded.put(k, t.shape());
        });
        Map<String, Tensor> feeds = new HashMap<>();
        boolean allFixed = true;
        for (ValueInfo in : graph.inputs()) {
            if (initNames.contains(in.name())) {
                continue;
            }
            if (in.type().isTensor() && in.type().elementType() != null) {
                types.put(in.name(), in.type().elementType());
            }
            int[] shape = fixedShape(in, freeDims);
            if (shape == null || !in.type().isTensor() || in.type().elementType() == null || in.type().elementType() == DType.STRING) {
                allFixed = false;
                continue;
            }
            recorded.put(in.name(), shape);
            feeds.put(in.name(), Tensor.zeros(in.type().elementType(), shape));
        }
        for (Node n : graph.nodes()) {
            if (n.opType().equals("Cast") && n.domain().isEmpty() && n.has("to")) {
                types.put(n.output(0), DType.fromOnnx((int) n.getInt("to", 1)));
            }
            if (n.opType().equals("Constant") && n.getTensor("value") != null) {
                types.put(n.output(0), n.getTensor("value").dtype());
            }
        }
        if (allFixed) {
            record(graph, opsets, registry, feeds, types, recorded);
        }
        Map<String, DType> guessed = new HashMap<>(types);
        propagateTypes(graph, guessed);
        return new ShapeInfo(types, staticOnly(graph, recorded, initNames), guessed);
    }

    private static final Set<String> TO_BOOL = Set.of("Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or",
            "Xor", "IsNaN", "IsInf");
    private static final Set<String> TO_INT64 = Set.of("Shape", "Size", "ArgMax", "ArgMin", "NonZero");

    /**
     * Element types nobody recorded, guessed forward: comparisons give bool, Shape and friends
     * int64, everything else the type of its first typed data input. Passes use this only to
     * refuse float-only fusions on other types, so a rough guess errs on the safe side.
     */
    private static void propagateTypes(Graph graph, Map<String, DType> types) {
        Set<String> available = new HashSet<>(graph.initializers().keySet());
        graph.inputs().forEach(i -> available.add(i.name()));
        List<Node> order;
        try {
            order = TopologicalOrder.sort(graph, available);
        } catch (RuntimeException e) {
            return;
        }
        for (Node n : order) {
            String op = n.domain().isEmpty() ? n.opType() : "";
            DType t = TO_BOOL.contains(op) ? DType.BOOL : TO_INT64.contains(op) ? DType.INT64 : null;
            if (t == null) {
                for (int i = op.equals("Where") ? 1 : 0; i < n.inputs().size() && t == null; i++) {
                    t = types.get(n.input(i));
                }
            }
            if (t != null && n.outputs().size() >= 1 && !n.output(0).isEmpty()) {
                types.putIfAbsent(n.output(0), t);
            }
        }
    }

    /**
     * Executes node by node on the placeholders. A node without a kernel (or that fails) is
     * skipped and so is everything downstream of it: its shapes stay unknown, the rest is kept.
     */
    private static void record(Graph graph, Map<String, Integer> opsets, OpRegistry registry, Map<String, Tensor> feeds,
                               Map<String, DType> types, Map<String, int[]> recorded) {
        Map<String, Value> values = new HashMap<>(graph.initializers());
        values.putAll(feeds);
        Set<String> available = new HashSet<>(values.keySet());
        graph.inputs().forEach(i -> available.add(i.name()));
        List<Node> order;
        try {
            order = TopologicalOrder.sort(graph, available);
        } catch (RuntimeException e) {
            return;
        }
        for (Node n : order) {
            Value[] args = new Value[n.inputs().size()];
            boolean ready = true;
            for (int i = 0; i < args.length && ready; i++) {
                if (n.hasInput(i)) {
                    args[i] = values.get(n.input(i));
                    ready = args[i] != null;
                }
            }
            Value[] outs = ready ? NodeKernels.run(n, args, registry, opsets, values) : null;
            if (outs == null) {
                continue;
            }
            for (int i = 0; i < n.outputs().size() && i < outs.length; i++) {
                if (outs[i] != null && !n.output(i).isEmpty()) {
                    values.put(n.output(i), outs[i]);
                    if (outs[i] instanceof Tensor t) {
                        types.put(n.output(i), t.dtype());
                        recorded.put(n.output(i), t.shape());
                    }
                }
            }
        }
    }

    /** The declared shape with free dimensions substituted, or null when any dim stays unknown. */
    public static int[] fixedShape(ValueInfo v, Map<String, Integer> freeDims) {
        if (!v.type().isTensor() || v.type().shape() == null) {
            return null;
        }
        List<Dim> dims = v.type().shape();
        int[] out = new int[dims.size()];
        for (int i = 0; i < out.length; i++) {
            Dim d = dims.get(i);
            if (d.isFixed()) {
                out[i] = (int) d.value();
            } else if (d.symbol() != null && freeDims.containsKey(d.symbol())) {
                out[i] = freeDims.get(d.symbol());
            } else {
                return null;
            }
        }
        return out;
    }

    private static Map<String, int[]> staticOnly(Graph graph, Map<String, int[]> recorded, Set<String> initNames) {
        Set<String> inputs = new HashSet<>();
        graph.inputs().forEach(i -> inputs.add(i.name()));
        Set<String> staticShape = new HashSet<>();
        Set<String> staticValue = new HashSet<>();
        for (String k : recorded.keySet()) {
            if (inputs.contains(k) || initNames.contains(k)) {
                staticShape.add(k);
            }
        }
        initNames.stream().filter(k -> !inputs.contains(k)).forEach(staticValue::add);
        Set<String> available = new HashSet<>(inputs);
        available.addAll(initNames);
        for (Node n : TopologicalOrder.sort(graph, available)) {
            String op = n.domain().isEmpty() ? n.opType() : "";
            boolean shapeOk;
            boolean valueOk;
            List<String> ins = n.inputs().stream().filter(s -> !s.isEmpty()).toList();
            if (!n.subgraphs().isEmpty() || DATA_SHAPED.contains(op)) {
                shapeOk = false;
                valueOk = false;
            } else if (op.equals("Shape") || op.equals("Size")) {
                shapeOk = true;
                valueOk = staticShape.contains(n.input(0));
            } else if (op.equals("Constant")) {
                shapeOk = true;
                valueOk = true;
            } else {
                boolean allValues = staticValue.containsAll(ins);
                valueOk = allValues;
                if (VALUE_SHAPED.contains(op)) {
                    shapeOk = staticShape.contains(n.input(0)) || staticValue.contains(n.input(0));
                    for (int i = 1; i < n.inputs().size(); i++) {
                        shapeOk &= !n.hasInput(i) || staticValue.contains(n.input(i));
                    }
                } else {
                    shapeOk = ins.stream().allMatch(s -> staticShape.contains(s) || staticValue.contains(s));
                }
                shapeOk |= allValues;
            }
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    if (shapeOk) {
                        staticShape.add(o);
                    }
                    if (valueOk) {
                        staticValue.add(o);
                        staticShape.add(o);
                    }
                }
            }
        }
        Map<String, int[]> out = new HashMap<>();
        for (String k : staticShape) {
            int[] s = recorded.get(k);
            if (s != null) {
                out.put(k, s);
            }
        }
        return out;
    }

}
