package io.ghostflow.nn.autograd;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A float tensor that remembers how it was computed, for reverse-mode differentiation. The
 * tape is implicit: each result points at its parents and holds one backward rule, so calling
 * {@link #backward()} on a scalar loss walks the graph in reverse topological order. Values
 * that need no gradient (data, eval-time activations) carry no rule and no parents.
 */
public final class Var {
    /** Propagates {@code gradOut} (this value's gradient) into the parents' gradients. */
    @FunctionalInterface
    public interface Rule {
        void apply(float[] gradOut);
    }

    private final float[] data;
    private final int[] shape;
    private final boolean requiresGrad;
    private final Var[] parents;
    private Rule rule;
    private float[] grad;

    private Var(float[] data, int[] shape, boolean requiresGrad, Var[] parents) {
        if (Shapes.size(shape) != data.length) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, data.length + " values do not fill shape " + Arrays.toString(shape));
        }
        this.data = data;
        this.shape = shape.clone();
        this.requiresGrad = requiresGrad;
        this.parents = parents;
    }

    /** A value that takes no gradient (inputs, labels). The array is used as is. */
    public static Var constant(float[] data, int... shape) {
        return new Var(data, shape, false, new Var[0]);
    }

    /** A FLOAT tensor as a constant (INT64 tensors, e.g. token ids, are converted to float). */
    public static Var constant(Tensor t) {
        return constant(t.dtype() == DType.FLOAT ? t.floats() : t.asFloats(), t.shape());
    }

    /** A trainable leaf (a parameter): gradients accumulate in {@link #grad()}. */
    public static Var parameter(float[] data, int... shape) {
        return new Var(data, shape, true, new Var[0]);
    }

    /**
     * The result of an operation. It takes a gradient (and keeps {@code rule}) only when some
     * parent does, so inference builds no tape.
     */
    public static Var result(float[] data, int[] shape, Rule rule, Var... parents) {
        boolean needs = false;
        for (Var p : parents) {
            needs |= p != null && p.requiresGrad;
        }
        if (!needs) {
            return constant(data, shape);
        }
        Var v = new Var(data, shape, true, parents);
        v.rule = rule;
        return v;
    }

    /** The values; for parameters this is the live array that optimizers update in place. */
    public float[] data() {
        return data;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int i) {
        return shape[i < 0 ? i + shape.length : i];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return data.length;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The accumulated gradient (allocated on first use), or null when none was computed. */
    public float[] grad() {
        return grad;
    }

    /** Accumulates into this value's gradient; rules call this on their parents. */
    public void accumulate(float[] g) {
        if (!requiresGrad) {
            return;
        }
        float[] mine = gradBuffer();
        for (int i = 0; i < mine.length; i++) {
            mine[i] += g[i];
        }
    }

    /** This value's gradient array for in-place accumulation (allocated zeroed on first use). */
    public float[] gradBuffer() {
        if (grad == null) {
            grad = new float[data.length];
        }
        return grad;
    }

    public void zeroGrad() {
        if (grad != null) {
            Arrays.fill(grad, 0f);
        }
    }

    /** Same data viewed with a different shape (no copy); the gradient flows back unchanged. */
    public Var reshape(int... newShape) {
        if (Shapes.size(newShape) != data.length) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        Var self = this;
        return result(data, newShape, self::accumulate, self);
    }

    /** Wraps the data as a tensor (no copy). */
    public Tensor toTensor() {
        return Tensor.of(data, shape);
    }

    /** Back-propagates from this scalar (gradient 1) through every value it depends on. */
    public void backward() {
        if (data.length != 1) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT,
                    "backward() needs a scalar (a loss); this value has shape " + Arrays.toString(shape));
        }
        float[] seed = {1f};
        backward(seed);
    }

    /** Back-propagates a given output gradient (same size as this value). */
    public void backward(float[] gradOut) {
        if (!requiresGrad) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT,
                    "this value does not depend on any parameter, there is nothing to differentiate");
        }
        accumulate(gradOut);
        for (Var v : topologicalOrder()) {
            if (v.rule != null && v.grad != null) {
                v.rule.apply(v.grad);
            }
        }
    }

    /** Values reachable from this one, each after every value that consumes it (reverse topo). */
    private List<Var> topologicalOrder() {
        List<Var> post = new ArrayList<>();
        Set<Var> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        // iterative DFS: deep nets must not overflow the stack
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {this, 0});
        seen.add(this);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Var v = (Var) top[0];
            int i = (Integer) top[1];
            if (i < v.parents.length) {
                top[1] = i + 1;
                Var p = v.parents[i];
                if (p != null && p.requiresGrad && seen.add(p)) {
                    stack.push(new Object[] {p, 0});
                }
            } else {
                stack.pop();
                post.add(v);
            }
        }
        Collections.reverse(post);
        return post;
    }

    @Override
    public String toString() {
        return "Var" + Arrays.toString(shape) + (requiresGrad ? " (grad)" : "");
    }
}
