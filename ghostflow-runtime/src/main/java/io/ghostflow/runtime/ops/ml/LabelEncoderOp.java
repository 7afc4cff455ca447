package io.ghostflow.runtime.ops.ml;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * LabelEncoder (ai.onnx.ml 1, 2, 4): maps each input element through a key -> value table.
 * Keys come from keys_tensor or keys_strings/int64s/floats, values from values_tensor or
 * values_strings/int64s/floats; unmatched elements take default_tensor, else the
 * default_* attribute of the value type (-1, -0.0 or "_Unused"). The output has the values'
 * type. Keys are compared as strings, 64-bit integers or doubles (so NaN matches NaN).
 */
final class LabelEncoderOp {
    private LabelEncoderOp() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        Tensor keys = table(node, "keys");
        Tensor values = table(node, "values");
        if (keys.size() != values.size()) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "LabelEncoder: " + keys.size() + " keys but "
                    + values.size() + " values");
        }
        DType outType = values.dtype();
        Object dflt = defaultValue(node, outType);
        Map<Object, Object> map = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            map.putIfAbsent(key(keys, i), element(values, i));
        }
        return (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            Tensor out = Tensor.zeros(outType, x.shape());
            for (int i = 0; i < x.size(); i++) {
                Object v = map.getOrDefault(key(x, i), dflt);
                if (outType == DType.STRING) {
                    out.strings()[i] = (String) v;
                } else if (outType.isFloatingPoint()) {
                    out.setDouble(i, (Double) v);
                } else {
                    out.setLong(i, (Long) v);
                }
            }
            return new Value[] {out};
        };
    }

    private static Tensor table(Node node, String prefix) {
        Tensor t = node.getTensor(prefix + "_tensor");
        if (t != null) {
            return t;
        }
        List<String> strings = node.getStrings(prefix + "_strings", null);
        if (strings != null) {
            return Tensor.ofStrings(strings.toArray(String[]::new), strings.size());
        }
        long[] ints = node.getInts(prefix + "_int64s", null);
        if (ints != null) {
            return Tensor.ofLongs(ints, ints.length);
        }
        float[] floats = node.getFloats(prefix + "_floats", null);
        if (floats != null) {
            return Tensor.of(floats, floats.length);
        }
        throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "LabelEncoder: no " + prefix + " attribute ("
                + prefix + "_tensor, _strings, _int64s or _floats)");
    }

    private static Object defaultValue(Node node, DType outType) {
        Tensor t = node.getTensor("default_tensor");
        if (t != null) {
            if (t.size() != 1) {
                throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "LabelEncoder: default_tensor must hold one value");
            }
            return element(t, 0);
        }
        if (outType == DType.STRING) {
            return node.getString("default_string", "_Unused");
        }
        if (outType.isFloatingPoint()) {
            return (double) node.getFloat("default_float", -0.0f);
        }
        return node.getInt("default_int64", -1);
    }

    private static Object key(Tensor t, int i) {
        if (t.dtype() == DType.STRING) {
            return t.strings()[i];
        }
        if (t.dtype().isFloatingPoint()) {
            double d = t.getDouble(i);
            return d == 0 ? 0.0 : d; // -0.0 and 0.0 are one key
        }
        return t.getLong(i);
    }

    private static Object element(Tensor t, int i) {
        if (t.dtype() == DType.STRING) {
            return t.strings()[i];
        }
        return t.dtype().isFloatingPoint() ? (Object) t.getDouble(i) : (Object) t.getLong(i);
    }
}
