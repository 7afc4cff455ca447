package io.ghostflow.runtime.check;

import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.OptionalValue;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.TensorSequence;
import io.ghostflow.tensor.Value;
import java.util.Arrays;

/**
 * Compares an actual value with an expected one as the ONNX backend tests do: floating point
 * within {@code |a - e| <= atol + rtol * |e|} (NaN matches NaN, infinities must match exactly),
 * everything else exactly. Records the largest absolute and relative differences seen.
 */
public final class Comparison {
    private final double rtol;
    private final double atol;
    private double maxAbs;
    private double maxRel;
    private String failure;

    public Comparison(double rtol, double atol) {
        this.rtol = rtol;
        this.atol = atol;
    }

    public double maxAbs() {
        return maxAbs;
    }

    public double maxRel() {
        return maxRel;
    }

    /** Null when everything compared so far matched, else the first mismatch. */
    public String failure() {
        return failure;
    }

    public boolean passed() {
        return failure == null;
    }

    public Comparison compare(String what, Value expected, Value actual) {
        if (failure != null) {
            return this;
        }
        switch (expected) {
            case Tensor e -> {
                if (actual instanceof Tensor a) {
                    compareTensors(what, e, a);
                } else {
                    fail(what + ": expected a tensor, got " + describe(actual));
                }
            }
            case TensorSequence e -> {
                if (!(actual instanceof TensorSequence a)) {
                    fail(what + ": expected a sequence, got " + describe(actual));
                } else if (a.size() != e.size()) {
                    fail(what + ": expected a sequence of " + e.size() + ", got " + a.size());
                } else {
                    for (int i = 0; i < e.size(); i++) {
                        compare(what + "[" + i + "]", e.get(i), a.get(i));
                    }
                }
            }
            case OptionalValue e -> {
                Value inner = actual instanceof OptionalValue o ? o.value() : actual;
                if (!e.isPresent()) {
                    if (inner != null) {
                        fail(what + ": expected an empty optional, got " + describe(inner));
                    }
                } else if (inner == null) {
                    fail(what + ": expected a value, got an empty optional");
                } else {
                    compare(what, e.value(), inner);
                }
            }
        }
        return this;
    }

    private static String describe(Value v) {
        return v == null ? "nothing" : v instanceof Tensor t ? "tensor " + t.dtype() + Arrays.toString(t.shape()) : v.getClass().getSimpleName();
    }

    private void compareTensors(String what, Tensor e, Tensor a) {
        if (e.dtype() != a.dtype()) {
            fail(what + ": expected type " + e.dtype() + ", got " + a.dtype());
            return;
        }
        if (!Arrays.equals(e.shape(), a.shape())) {
            fail(what + ": expected shape " + Arrays.toString(e.shape()) + ", got " + Arrays.toString(a.shape()));
            return;
        }
        int n = e.size();
        if (e.dtype() == DType.STRING) {
            String[] es = e.strings();
            String[] as = a.strings();
            for (int i = 0; i < n; i++) {
                if (!es[i].equals(as[i])) {
                    fail(what + "[" + i + "]: expected \"" + es[i] + "\", got \"" + as[i] + "\"");
                    return;
                }
            }
            return;
        }
        if (!e.dtype().isFloatingPoint()) {
            for (int i = 0; i < n; i++) {
                long ev = e.getLong(i);
                long av = a.getLong(i);
                if (ev != av) {
                    fail(what + "[" + i + "]: expected " + ev + ", got " + av);
                    return;
                }
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            double ev = e.getDouble(i);
            double av = a.getDouble(i);
            if (Double.isNaN(ev) || Double.isNaN(av)) {
                if (Double.isNaN(ev) != Double.isNaN(av)) {
                    fail(what + "[" + i + "]: expected " + ev + ", got " + av);
                    return;
                }
                continue;
            }
            if (Double.isInfinite(ev) || Double.isInfinite(av)) {
                if (ev != av) {
                    fail(what + "[" + i + "]: expected " + ev + ", got " + av);
                    return;
                }
                continue;
            }
            double diff = Math.abs(av - ev);
            maxAbs = Math.max(maxAbs, diff);
            if (ev != 0) {
                maxRel = Math.max(maxRel, diff / Math.abs(ev));
            }
            if (diff > atol + rtol * Math.abs(ev)) {
                fail(String.format("%s[%d]: expected %s, got %s (|diff| %.3g > atol %.1g + rtol %.1g * |expected|)",
                        what, i, ev, av, diff, atol, rtol));
                return;
            }
        }
    }

    private void fail(String message) {
        if (failure == null) {
            failure = message;
        }
    }
}
