package io.ghostflow.cli.tools;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Placeholder inputs for inspect and bench: the leading symbolic dim of every input is the
 * batch, other symbolic dims take {@code --dim NAME=N} or the default sequence length. Floats
 * are seeded Gaussian noise, integers 1 (a valid token id), bools true.
 */
final class DummyInputs {
    private DummyInputs() {
    }

    /** Symbolic dim name -> value, for SessionOptions.freeDimensions. */
    static Map<String, Integer> freeDims(List<ValueInfo> inputs, int batch, int seq, Map<String, Integer> overrides) {
        Map<String, Integer> out = new HashMap<>();
        for (ValueInfo in : inputs) {
            if (!in.type().isTensor() || in.type().shape() == null) {
                continue;
            }
            List<Dim> dims = in.type().shape();
            for (int i = 0; i < dims.size(); i++) {
                Dim d = dims.get(i);
                if (!d.isFixed() && d.symbol() != null && !out.containsKey(d.symbol())) {
                    out.put(d.symbol(), overrides.getOrDefault(d.symbol(), i == 0 ? batch : seq));
                }
            }
        }
        out.putAll(overrides);
        return out;
    }

    static Map<String, Tensor> make(List<ValueInfo> inputs, int batch, int seq, Map<String, Integer> freeDims) {
        Random rnd = new Random(42);
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (ValueInfo in : inputs) {
            if (!in.type().isTensor() || in.type().shape() == null || in.type().elementType() == null) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + in.name() + "' has no declared tensor shape; cannot make a placeholder");
            }
            List<Dim> dims = in.type().shape();
            int[] shape = new int[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                Dim d = dims.get(i);
                shape[i] = d.isFixed() ? (int) d.value() : d.symbol() != null && freeDims.containsKey(d.symbol())
                        ? freeDims.get(d.symbol()) : i == 0 ? batch : seq;
            }
            DType t = in.type().elementType();
            Tensor x = Tensor.zeros(t, shape);
            int n = Shapes.size(shape);
            for (int i = 0; i < n; i++) {
                if (t.isFloatingPoint()) {
                    x.setDouble(i, rnd.nextGaussian());
                } else if (t != DType.STRING) {
                    x.setLong(i, 1);
                }
            }
            feeds.put(in.name(), x);
        }
        return feeds;
    }
}
