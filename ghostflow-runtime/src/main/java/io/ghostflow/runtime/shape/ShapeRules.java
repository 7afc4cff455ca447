package io.ghostflow.runtime.shape;

import static io.ghostflow.runtime.shape.SymbolicShapes.dim;
import static io.ghostflow.runtime.shape.SymbolicShapes.entry;
import static io.ghostflow.runtime.shape.SymbolicShapes.tensor;
import static io.ghostflow.runtime.shape.SymbolicShapes.tensorWithValue;

import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.shape.SymbolicShapes.Fact;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Per-operator shape and type rules for {@link SymbolicShapes}. Ops without a rule yield nothing. */
final class ShapeRules {
    private ShapeRules() {
    }

    private static final Set<String> SAME_AS_INPUT = Set.of("Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Erf", "Neg", "Abs",
            "Identity", "Softmax", "LogSoftmax", "Hardmax", "Clip", "LeakyRelu", "Gelu", "HardSwish", "HardSigmoid", "Elu", "Selu",
            "Celu", "Softplus", "Softsign", "Mish", "Swish", "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Sin", "Cos", "Tan",
            "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "PRelu", "ThresholdedRelu", "Shrink",
            "BatchNormalization", "LayerNormalization", "InstanceNormalization", "GroupNormalization", "RMSNormalization",
            "LpNormalization", "MeanVarianceNormalization", "LRN", "Dropout", "CumSum", "CumProd", "Not", "BitwiseNot", "Trilu");
    private static final Set<String> BROADCAST = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Mod", "Max", "Min", "Mean", "Sum",
            "BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor", "And", "Or", "Xor", "Equal", "Greater", "Less",
            "GreaterOrEqual", "LessOrEqual");
    private static final Set<String> TO_BOOL = Set.of("Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual", "And", "Or",
            "Xor", "Not", "IsNaN", "IsInf");

    static List<Fact> apply(Node n, SymbolicShapes s) {
        if (!n.domain().isEmpty()) {
            return List.of();
        }
        String op = n.opType();
        if (SAME_AS_INPUT.contains(op)) {
            DType t = TO_BOOL.contains(op) ? DType.BOOL : s.elem(n, 0);
            return List.of(tensor(t, s.shape(n, 0)));
        }
        if (op.equals("IsNaN") || op.equals("IsInf")) {
            return List.of(tensor(DType.BOOL, s.shape(n, 0)));
        }
        if (BROADCAST.contains(op)) {
            List<List<Dim>> shapes = new ArrayList<>();
            for (int i = 0; i < n.inputs().size(); i++) {
                shapes.add(s.shape(n, i));
            }
            return List.of(tensor(TO_BOOL.contains(op) ? DType.BOOL : s.elem(n, 0), broadcast(shapes)));
        }
        return switch (op) {
            case "Where" -> List.of(tensor(s.elem(n, 1), broadcast(Arrays.asList(s.shape(n, 0), s.shape(n, 1), s.shape(n, 2)))));
            case "Cast" -> List.of(tensorWithValue(DType.fromOnnx((int) n.getInt("to", 1)), s.shape(n, 0), s.value(n, 0)));
            case "Constant" -> constant(n);
            case "Shape" -> shapeOf(n, s);
            case "Gather" -> gather(n, s);
            case "Unsqueeze" -> unsqueeze(n, s);
            case "Squeeze" -> squeeze(n, s);
            case "Concat" -> concat(n, s);
            case "Reshape" -> reshape(n, s);
            case "Flatten" -> flatten(n, s);
            case "Transpose" -> transpose(n, s);
            case "MatMul", "MatMulInteger" -> matmul(n, s, op.equals("MatMul") ? s.elem(n, 0) : DType.INT32);
            case "Gemm" -> gemm(n, s);
            case "Conv", "MaxPool", "AveragePool", "LpPool" -> window(n, s);
            case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool" -> global(n, s);
            case "ConstantOfShape" -> constantOfShape(n, s);
            case "DynamicQuantizeLinear" -> List.of(tensor(DType.UINT8, s.shape(n, 0)), tensor(DType.FLOAT, List.of()), tensor(DType.UINT8, List.of()));
            case "DequantizeLinear" -> List.of(tensor(DType.FLOAT, s.shape(n, 0)));
            case "QuantizeLinear" -> List.of(tensor(n.hasInput(2) ? s.elem(n, 2) : DType.UINT8, s.shape(n, 0)));
            case "Expand" -> expand(n, s);
            case "Range" -> range(n, s);
            case "Slice" -> slice(n, s);
            case "ArgMax", "ArgMin" -> reduced(n, s, DType.INT64);
            case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
                 "ReduceLogSumExp", "ReduceSumSquare" -> reduced(n, s, s.elem(n, 0));
            case "Size" -> List.of(tensor(DType.INT64, List.of()));
            default -> List.of();
        };
    }

    /** Range(0, n, 1) has n elements, n possibly symbolic (position ids in transformer exports). */
    private static List<Fact> range(Node n, SymbolicShapes s) {
        List<Object> start = s.value(n, 0);
        List<Object> limit = s.value(n, 1);
        List<Object> delta = s.value(n, 2);
        Dim len = Dim.UNKNOWN;
        if (start != null && limit != null && delta != null && start.size() == 1 && limit.size() == 1 && delta.size() == 1
                && start.get(0) instanceof Long a && delta.get(0) instanceof Long d && d != 0) {
            if (limit.get(0) instanceof Long b) {
                len = Dim.of(Math.max(0, Math.ceilDiv(b - a, d)));
            } else if (a == 0 && d == 1) {
                len = dim(limit.get(0));
            }
        }
        return List.of(tensor(s.elem(n, 0), List.of(len)));
    }

    /**
     * Slice (opset 10+ inputs or opset 1-9 attributes). A symbolic end with start 0 and step 1
     * gives that symbolic dim, assuming (as exporters do) that the symbol does not exceed the
     * sliced dimension.
     */
    private static List<Fact> slice(Node n, SymbolicShapes s) {
        List<Dim> in = s.shape(n, 0);
        if (in == null) {
            return List.of(tensor(s.elem(n, 0), null));
        }
        List<Object> starts;
        List<Object> ends;
        List<Object> axes;
        List<Object> steps;
        if (n.has("starts")) {
            starts = boxed(n.getInts("starts", new long[0]));
            ends = boxed(n.getInts("ends", new long[0]));
            axes = n.has("axes") ? boxed(n.getInts("axes", new long[0])) : null;
            steps = null;
        } else {
            starts = s.value(n, 1);
            ends = s.value(n, 2);
            axes = n.hasInput(3) ? s.value(n, 3) : null;
            steps = n.hasInput(4) ? s.value(n, 4) : null;
            if (n.hasInput(3) && axes == null || n.hasInput(4) && steps == null) {
                return List.of(tensor(s.elem(n, 0), unknownDims(in.size())));
            }
        }
        if (starts == null || ends == null) {
            return List.of(tensor(s.elem(n, 0), unknownDims(in.size())));
        }
        List<Dim> out = new ArrayList<>(in);
        for (int i = 0; i < starts.size(); i++) {
            Object ax = axes == null ? (Object) (long) i : axes.get(i);
            if (!(ax instanceof Long a)) {
                return List.of(tensor(s.elem(n, 0), unknownDims(in.size())));
            }
            int axis = (int) (a < 0 ? a + in.size() : a);
            long step = steps == null ? 1 : steps.get(i) instanceof Long st ? st : 0;
            Dim d = in.get(axis);
            Object st = starts.get(i);
            Object en = ends.get(i);
            if (step == 1 && st instanceof Long b && b == 0 && en instanceof String sym) {
                out.set(axis, Dim.symbolic(sym));
            } else if (d.isFixed() && step != 0 && st instanceof Long b && en instanceof Long e) {
                long dimLen = d.value();
                long lo = b < 0 ? b + dimLen : b;
                long hi = e < 0 ? e + dimLen : e;
                if (step > 0) {
                    lo = Math.clamp(lo, 0, dimLen);
                    hi = Math.clamp(hi, 0, dimLen);
                    out.set(axis, Dim.of(Math.max(0, Math.ceilDiv(hi - lo, step))));
                } else {
                    lo = Math.clamp(lo, -1, dimLen - 1);
                    hi = Math.clamp(hi, -1, dimLen - 1);
                    out.set(axis, Dim.of(Math.max(0, Math.ceilDiv(lo - hi, -step))));
                }
            } else {
                out.set(axis, Dim.UNKNOWN);
            }
        }
        return List.of(tensor(s.elem(n, 0), out));
    }

    private static List<Object> boxed(long[] v) {
        List<Object> out = new ArrayList<>();
        for (long x : v) {
            out.add(x);
        }
        return out;
    }

    private static List<Dim> unknownDims(int rank) {
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            out.add(Dim.UNKNOWN);
        }
        return out;
    }

    /** Numpy broadcasting over symbolic dims; null when any rank is unknown. */
    static List<Dim> broadcast(List<List<Dim>> shapes) {
        int rank = 0;
        for (List<Dim> sh : shapes) {
            if (sh == null) {
                return null;
            }
            rank = Math.max(rank, sh.size());
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            Dim acc = null;
            for (List<Dim> sh : shapes) {
                int j = i - (rank - sh.size());
                Dim d = j < 0 ? Dim.of(1) : sh.get(j);
                acc = acc == null ? d : merge(acc, d);
            }
            out.add(acc);
        }
        return out;
    }

    private static Dim merge(Dim a, Dim b) {
        if (a.isFixed() && a.value() == 1) {
            return b;
        }
        if (b.isFixed() && b.value() == 1) {
            return a;
        }
        if (a.equals(b)) {
            return a;
        }
        if (a.isFixed() && !b.isFixed()) {
            return a;
        }
        if (b.isFixed() && !a.isFixed()) {
            return b;
        }
        return Dim.UNKNOWN;
    }

    private static List<Fact> constant(Node n) {
        Tensor t = n.getTensor("value");
        if (t != null) {
            return List.of(tensorWithValue(t.dtype(), SymbolicShapes.dims(t.shape()), SymbolicShapes.constantVector(t)));
        }
        if (n.has("value_int")) {
            return List.of(tensorWithValue(DType.INT64, List.of(), List.of(n.getInt("value_int", 0))));
        }
        if (n.has("value_ints")) {
            long[] v = n.getInts("value_ints", new long[0]);
            List<Object> vals = new ArrayList<>();
            for (long x : v) {
                vals.add(x);
            }
            return List.of(tensorWithValue(DType.INT64, List.of(Dim.of(v.length)), vals));
        }
        if (n.has("value_float")) {
            return List.of(tensor(DType.FLOAT, List.of()));
        }
        if (n.has("value_floats")) {
            return List.of(tensor(DType.FLOAT, List.of(Dim.of(n.getFloats("value_floats", new float[0]).length))));
        }
        return List.of();
    }

    private static List<Fact> shapeOf(Node n, SymbolicShapes s) {
        List<Dim> sh = s.shape(n, 0);
        if (sh == null) {
            return List.of(tensor(DType.INT64, List.of(Dim.UNKNOWN)));
        }
        int r = sh.size();
        int start = (int) n.getInt("start", 0);
        int end = (int) n.getInt("end", r);
        start = Math.max(0, Math.min(r, start < 0 ? start + r : start));
        end = Math.max(start, Math.min(r, end < 0 ? end + r : end));
        List<Object> vals = new ArrayList<>();
        for (int i = start; i < end; i++) {
            vals.add(entry(sh.get(i)));
        }
        return List.of(tensorWithValue(DType.INT64, List.of(Dim.of(vals.size())), vals));
    }

    private static List<Fact> gather(Node n, SymbolicShapes s) {
        List<Dim> data = s.shape(n, 0);
        List<Dim> idx = s.shape(n, 1);
        if (data == null || idx == null) {
            return List.of(tensor(s.elem(n, 0), null));
        }
        int axis = (int) n.getInt("axis", 0);
        axis = axis < 0 ? axis + data.size() : axis;
        List<Dim> out = new ArrayList<>(data.subList(0, axis));
        out.addAll(idx);
        out.addAll(data.subList(axis + 1, data.size()));
        List<Object> value = null;
        List<Object> dv = s.value(n, 0);
        List<Object> iv = s.value(n, 1);
        if (dv != null && iv != null && data.size() == 1) {
            value = new ArrayList<>();
            for (Object i : iv) {
                if (!(i instanceof Long l)) {
                    value = null;
                    break;
                }
                int k = (int) (l < 0 ? l + dv.size() : l);
                value.add(k >= 0 && k < dv.size() ? dv.get(k) : null);
            }
        }
        return List.of(tensorWithValue(s.elem(n, 0), out, value));
    }

    private static long[] axesOf(Node n, SymbolicShapes s, int inputIndex) {
        if (n.has("axes")) {
            return n.getInts("axes", new long[0]);
        }
        List<Object> v = s.value(n, inputIndex);
        if (v == null) {
            return null;
        }
        long[] out = new long[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(v.get(i) instanceof Long l)) {
                return null;
            }
            out[i] = l;
        }
        return out;
    }

    private static List<Fact> unsqueeze(Node n, SymbolicShapes s) {
        List<Dim> in = s.shape(n, 0);
        long[] axes = axesOf(n, s, 1);
        if (in == null || axes == null) {
            return List.of(tensor(s.elem(n, 0), null));
        }
        int rank = in.size() + axes.length;
        boolean[] added = new boolean[rank];
        for (long a : axes) {
            added[(int) (a < 0 ? a + rank : a)] = true;
        }
        List<Dim> out = new ArrayList<>();
        int k = 0;
        for (int i = 0; i < rank; i++) {
            out.add(added[i] ? Dim.of(1) : in.get(k++));
        }
        return List.of(tensorWithValue(s.elem(n, 0), out, s.value(n, 0)));
    }

    private static List<Fact> squeeze(Node n, SymbolicShapes s) {
        List<Dim> in = s.shape(n, 0);
        long[] axes = axesOf(n, s, 1);
        if (in == null) {
            return List.of(tensor(s.elem(n, 0), null));
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            boolean drop;
            if (axes == null) {
                if (!in.get(i).isFixed()) {
                    return List.of(tensor(s.elem(n, 0), null));
                }
                drop = in.get(i).value() == 1;
            } else {
                final int ii = i;
                drop = Arrays.stream(axes).anyMatch(a -> (a < 0 ? a + in.size() : a) == ii);
            }
            if (!drop) {
                out.add(in.get(i));
            }
        }
        return List.of(tensorWithValue(s.elem(n, 0), out, s.value(n, 0)));
    }

    private static List<Fact> concat(Node n, SymbolicShapes s) {
        List<Dim> first = s.shape(n, 0);
        if (first == null) {
            return List.of(tensor(s.elem(n, 0), null));
        }
        int axis = (int) n.getInt("axis", 0);
        axis = axis < 0 ? axis + first.size() : axis;
        List<Dim> out = new ArrayList<>(first);
        long total = 0;
        boolean known = true;
        List<Object> value = new ArrayList<>();
        for (int i = 0; i < n.inputs().size(); i++) {
            List<Dim> sh = s.shape(n, i);
            if (sh == null || sh.size() != first.size()) {
                return List.of(tensor(s.elem(n, 0), null));
            }
            Dim d = sh.get(axis);
            if (d.isFixed()) {
                total += d.value();
            } else {
                known = false;
            }
            List<Object> v = s.value(n, i);
            if (value != null && v != null && first.size() == 1) {
                value.addAll(v);
            } else {
                value = null;
            }
        }
        out.set(axis, known ? Dim.of(total) : Dim.UNKNOWN);
        return List.of(tensorWithValue(s.elem(n, 0), out, value));
    }

    private static List<Fact> reshape(Node n, SymbolicShapes s) {
        List<Dim> in = s.shape(n, 0);
        List<Object> target = s.value(n, 1);
        if (target == null) {
            List<Dim> ts = s.shape(n, 1);
            boolean rankKnown = ts != null && ts.size() == 1 && ts.get(0).isFixed();
            return List.of(tensor(s.elem(n, 0), rankKnown ? unknownDims((int) ts.get(0).value()) : null));
        }
        boolean allowZero = n.getInt("allowzero", 0) == 1;
        List<Dim> out = new ArrayList<>();
        int inferAt = -1;
        for (int i = 0; i < target.size(); i++) {
            Object e = target.get(i);
            if (e instanceof Long l && l == 0 && !allowZero) {
                out.add(in != null && i < in.size() ? in.get(i) : Dim.UNKNOWN);
            } else if (e instanceof Long l && l == -1) {
                inferAt = i;
                out.add(Dim.UNKNOWN);
            } else {
                out.add(dim(e));
            }
        }
        if (inferAt >= 0 && in != null) {
            out.set(inferAt, inferred(in, out, inferAt));
        }
        return List.of(tensorWithValue(s.elem(n, 0), out, s.value(n, 0)));
    }

    /** The -1 dim of a Reshape: total / product of the others, or the one symbolic dim left over when it cancels. */
    private static Dim inferred(List<Dim> in, List<Dim> out, int at) {
        long inFixed = 1;
        List<Dim> inSym = new ArrayList<>();
        for (Dim d : in) {
            if (d.isFixed()) {
                inFixed *= d.value();
            } else {
                inSym.add(d);
            }
        }
        long outFixed = 1;
        List<Dim> outSym = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            if (i == at) {
                continue;
            }
            Dim d = out.get(i);
            if (d.isFixed()) {
                outFixed *= d.value();
            } else {
                outSym.add(d);
            }
        }
        for (Dim d : new ArrayList<>(outSym)) {
            if (d.symbol() != null && inSym.remove(d)) {
                outSym.remove(d);
            }
        }
        if (!outSym.isEmpty() || outFixed == 0 || inFixed % outFixed != 0) {
            return Dim.UNKNOWN;
        }
        long rest = inFixed / outFixed;
        if (inSym.isEmpty()) {
            return Dim.of(rest);
        }
        return inSym.size() == 1 && rest == 1 ? inSym.get(0) : Dim.UNKNOWN;
    }

    private static List<Fact> flatten(Node n, SymbolicShapes s) {
        List<Dim> in = s.shape(n, 0);
        if (in == null) {
            return List.of(tensor(s.elem(n, 0), unknownDims(2)));
        }
        int axis = (int) n.getInt("axis", 1);
        axis = axis < 0 ? axis + in.size() : axis;
        return List.of(tensor(s.elem(n, 0), List.of(product(in.subList(0, axis)), product(in.subList(axis, in.size())))));
    }

    private static Dim product(List<Dim> dims) {
        long p = 1;
        Dim symbolic = null;
        for (Dim d : dims) {
            if (d.isFixed()) {
                p *= d.value();
            } else if (symbolic == null && d.symbol() != null) {
                symbolic = d;
            } else {
                return Dim.UNKNOWN;
            }
        }
        if (symbolic == null) {
            return Dim.of(p);
        }
        return p == 1 ? symbolic : Dim.UNKNOWN;
    }

    private static List<Fact> transpose(Node n, SymbolicShapes s) {
        List<Dim> in = s.shape(n, 0);
        if (in == null) {
            return List.of(tensor(s.elem(n, 0), null));
        }
        long[] perm = n.getInts("perm", null);
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            out.add(in.get(perm == null ? in.size() - 1 - i : (int) perm[i]));
        }
        return List.of(tensor(s.elem(n, 0), out));
    }

    private static List<Fact> matmul(Node n, SymbolicShapes s, DType type) {
        List<Dim> a = s.shape(n, 0);
        List<Dim> b = s.shape(n, 1);
        if (a == null || b == null || a.isEmpty() || b.isEmpty()) {
            return List.of(tensor(type, null));
        }
        List<Dim> aa = a.size() == 1 ? List.of(Dim.of(1), a.get(0)) : a;
        List<Dim> bb = b.size() == 1 ? List.of(b.get(0), Dim.of(1)) : b;
        List<Dim> batch = broadcast(List.of(aa.subList(0, aa.size() - 2), bb.subList(0, bb.size() - 2)));
        List<Dim> out = new ArrayList<>(batch);
        if (a.size() > 1) {
            out.add(aa.get(aa.size() - 2));
        }
        if (b.size() > 1) {
            out.add(bb.get(bb.size() - 1));
        }
        return List.of(tensor(type, out));
    }

    private static List<Fact> gemm(Node n, SymbolicShapes s) {
        List<Dim> a = s.shape(n, 0);
        List<Dim> b = s.shape(n, 1);
        if (a == null || b == null || a.size() != 2 || b.size() != 2) {
            return List.of(tensor(s.elem(n, 0), unknownDims(2)));
        }
        Dim m = n.getInt("transA", 0) == 1 ? a.get(1) : a.get(0);
        Dim nn = n.getInt("transB", 0) == 1 ? b.get(0) : b.get(1);
        return List.of(tensor(s.elem(n, 0), List.of(m, nn)));
    }

    /** Conv and pooling: [N, C_out, spatial...] with the usual window arithmetic on fixed dims. */
    private static List<Fact> window(Node n, SymbolicShapes s) {
        List<Dim> x = s.shape(n, 0);
        if (x == null || x.size() < 3) {
            return List.of(tensor(s.elem(n, 0), null));
        }
        int spatial = x.size() - 2;
        long[] kernel = n.getInts("kernel_shape", null);
        Dim channels = x.get(1);
        if (n.opType().equals("Conv")) {
            List<Dim> w = s.shape(n, 1);
            if (w == null || w.size() != x.size()) {
                return List.of(tensor(s.elem(n, 0), null));
            }
            channels = w.get(0);
            if (kernel == null) {
                kernel = new long[spatial];
                for (int i = 0; i < spatial; i++) {
                    kernel[i] = w.get(2 + i).isFixed() ? w.get(2 + i).value() : -1;
                }
            }
        }
        if (kernel == null) {
            return List.of(tensor(s.elem(n, 0), null));
        }
        long[] strides = n.getInts("strides", null);
        long[] dilations = n.getInts("dilations", null);
        long[] pads = n.getInts("pads", null);
        String autoPad = n.getString("auto_pad", "NOTSET");
        boolean ceil = n.getInt("ceil_mode", 0) == 1;
        List<Dim> out = new ArrayList<>(List.of(x.get(0), channels));
        for (int i = 0; i < spatial; i++) {
            Dim d = x.get(2 + i);
            long k = kernel[i];
            if (!d.isFixed() || k < 0) {
                out.add(Dim.UNKNOWN);
                continue;
            }
            long st = strides == null ? 1 : strides[i];
            long dil = dilations == null ? 1 : dilations[i];
            long ek = (k - 1) * dil + 1;
            long size;
            if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
                size = (d.value() + st - 1) / st;
            } else if (autoPad.equals("VALID")) {
                size = (d.value() - ek) / st + 1;
            } else {
                long p = pads == null ? 0 : pads[i] + pads[i + spatial];
                long span = d.value() + p - ek;
                size = (ceil ? Math.ceilDiv(span, st) : Math.floorDiv(span, st)) + 1;
            }
            out.add(size > 0 ? Dim.of(size) : Dim.UNKNOWN);
        }
        List<Fact> result = new ArrayList<>(List.of(tensor(s.elem(n, 0), out)));
        if (n.opType().equals("MaxPool")) {
            result.add(tensor(DType.INT64, out));
        }
        return result;
    }

    private static List<Fact> global(Node n, SymbolicShapes s) {
        List<Dim> x = s.shape(n, 0);
        if (x == null) {
            return List.of(tensor(s.elem(n, 0), null));
        }
        List<Dim> out = new ArrayList<>(x.subList(0, Math.min(2, x.size())));
        for (int i = 2; i < x.size(); i++) {
            out.add(Dim.of(1));
        }
        return List.of(tensor(s.elem(n, 0), out));
    }

    private static List<Fact> constantOfShape(Node n, SymbolicShapes s) {
        Tensor v = n.getTensor("value");
        DType type = v == null ? DType.FLOAT : v.dtype();
        List<Object> shape = s.value(n, 0);
        if (shape == null) {
            List<Dim> ts = s.shape(n, 0);
            return List.of(tensor(type, ts != null && ts.size() == 1 && ts.get(0).isFixed() ? unknownDims((int) ts.get(0).value()) : null));
        }
        List<Dim> out = new ArrayList<>();
        shape.forEach(e -> out.add(dim(e)));
        return List.of(tensor(type, out));
    }

    private static List<Fact> expand(Node n, SymbolicShapes s) {
        List<Object> target = s.value(n, 1);
        List<Dim> in = s.shape(n, 0);
        if (target == null || in == null) {
            return List.of(tensor(s.elem(n, 0), null));
        }
        List<Dim> t = new ArrayList<>();
        target.forEach(e -> t.add(dim(e)));
        return List.of(tensor(s.elem(n, 0), broadcast(List.of(in, t))));
    }

    private static List<Fact> reduced(Node n, SymbolicShapes s, DType type) {
        List<Dim> in = s.shape(n, 0);
        if (in == null) {
            return List.of(tensor(type, null));
        }
        boolean keep = n.getInt("keepdims", 1) == 1;
        long[] axes;
        if (n.opType().startsWith("Arg")) {
            axes = new long[] {n.getInt("axis", 0)};
        } else {
            axes = axesOf(n, s, 1);
            if (axes == null && n.hasInput(1)) {
                return List.of(tensor(type, keep ? unknownDims(in.size()) : null));
            }
            if (axes == null || axes.length == 0) {
                if (n.getInt("noop_with_empty_axes", 0) == 1) {
                    return List.of(tensor(type, in));
                }
                axes = new long[in.size()];
                for (int i = 0; i < axes.length; i++) {
                    axes[i] = i;
                }
            }
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            final int ii = i;
            boolean reducedAxis = Arrays.stream(axes).anyMatch(a -> (a < 0 ? a + in.size() : a) == ii);
            if (!reducedAxis) {
                out.add(in.get(i));
            } else if (keep) {
                out.add(Dim.of(1));
            }
        }
        return List.of(tensor(type, out));
    }
}
