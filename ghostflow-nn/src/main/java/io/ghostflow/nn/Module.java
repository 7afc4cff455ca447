package io.ghostflow.nn;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.export.ExportContext;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A layer or a container of layers. Holds named parameters (trainable), named buffers (state
 * such as BatchNorm running statistics, exported but not trained) and named children. Names
 * compose with dots ({@code "0.weight"}), and those names become the ONNX initializer names.
 *
 * <p>Parameters start uninitialised: call {@link #initialize(long)} (Kaiming/Xavier, seeded) or
 * load them from an exported model; forward and export refuse an uninitialised module.
 */
public abstract class Module {
    private final Map<String, Var> params = new LinkedHashMap<>();
    private final Map<String, Var> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private String path = "";
    private boolean training = true;
    private boolean initialized;

    /** Computes the layer on a batch; the result remembers how to back-propagate. */
    public abstract Var forward(Var x);

    /** Adds this module's ONNX nodes reading {@code input}; returns the name of its output value. */
    public abstract String export(ExportContext ctx, String input);

    /** Applies the standard initialisation to this module's own parameters. */
    protected void resetParameters(SplittableRandom rng) {
    }

    /** Inference convenience: forward on a tensor, no tape kept for inputs. */
    public Tensor forward(Tensor x) {
        return forward(Var.constant(x)).toTensor();
    }

    /** Element type of the graph input when this module is the first layer (Embedding takes ids). */
    public DType inputType() {
        return children.isEmpty() ? DType.FLOAT : children.values().iterator().next().inputType();
    }

    // ---------------------------------------------------------------- registration

    protected final Var addParameter(String name, int... shape) {
        Var v = Var.parameter(new float[io.ghostflow.tensor.Shapes.size(shape)], shape);
        params.put(name, v);
        return v;
    }

    protected final Var addBuffer(String name, float[] init, int... shape) {
        Var v = Var.constant(init, shape);
        buffers.put(name, v);
        return v;
    }

    protected final <M extends Module> M addChild(String name, M child) {
        children.put(name, child);
        ((Module) child).setPath(path.isEmpty() ? name : path + "." + name);
        return child;
    }

    private void setPath(String p) {
        this.path = p;
        for (var e : children.entrySet()) {
            e.getValue().setPath(p + "." + e.getKey());
        }
    }

    /** Dotted path of this module inside its root ("" for the root). */
    public final String path() {
        return path;
    }

    /** {@code layer '0' (Linear)}, for error messages. */
    public final String label() {
        return "layer '" + (path.isEmpty() ? "<root>" : path) + "' (" + getClass().getSimpleName() + ")";
    }

    /** Name of this module's ONNX node (and its output value): its path, or its type for a root. */
    protected final String nodeName() {
        return path.isEmpty() ? getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) : path;
    }

    /** Name prefix for this module's ONNX values and initializers. */
    protected final String scoped(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    // ---------------------------------------------------------------- traversal

    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Every parameter of this module and its descendants, by dotted name. */
    public final Map<String, Var> namedParameters() {
        Map<String, Var> out = new LinkedHashMap<>();
        params.forEach((n, v) -> out.put(scoped(n), v));
        for (Module c : children.values()) {
            out.putAll(c.namedParameters());
        }
        return out;
    }

    /** Parameters and buffers: everything an export stores. */
    public final Map<String, Var> namedState() {
        Map<String, Var> out = new LinkedHashMap<>();
        params.forEach((n, v) -> out.put(scoped(n), v));
        buffers.forEach((n, v) -> out.put(scoped(n), v));
        for (Module c : children.values()) {
            out.putAll(c.namedState());
        }
        return out;
    }

    public final List<Var> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    protected final Var param(String name) {
        return params.get(name);
    }

    protected final Var buffer(String name) {
        return buffers.get(name);
    }

    // ---------------------------------------------------------------- modes and initialisation

    /** Training mode: BatchNorm uses batch statistics, Dropout drops. Applies to all descendants. */
    public Module train() {
        setTraining(true);
        return this;
    }

    /** Inference mode: BatchNorm uses running statistics, Dropout is the identity. */
    public Module eval() {
        setTraining(false);
        return this;
    }

    private void setTraining(boolean on) {
        training = on;
        children.values().forEach(c -> c.setTraining(on));
    }

    public final boolean isTraining() {
        return training;
    }

    /** Initialises every parameter of the tree from one seed (each module draws from its own split). */
    public Module initialize(long seed) {
        initializeFrom(new SplittableRandom(seed));
        return this;
    }

    private void initializeFrom(SplittableRandom rng) {
        resetParameters(rng.split());
        initialized = true;
        for (Module c : children.values()) {
            c.initializeFrom(rng);
        }
    }

    /** Marks the tree initialised after parameters were set by other means (loading). */
    public final void markInitialized() {
        initialized = true;
        children.values().forEach(Module::markInitialized);
    }

    /** Fails, naming the first layer whose parameters were never initialised or loaded. */
    public final void requireInitialized() {
        if (!initialized && !params.isEmpty()) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT,
                    label() + " is not initialised: call initialize(seed) or load its parameters first");
        }
        children.values().forEach(Module::requireInitialized);
    }

    /** Zeroes the gradients of every parameter. */
    public final void zeroGrad() {
        for (Var p : namedParameters().values()) {
            p.zeroGrad();
        }
    }

    /** Checks a batch's shape against what the layer needs, naming the layer when it does not fit. */
    protected final void expect(boolean ok, Var x, String need) {
        if (!ok) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH,
                    label() + ": expected input " + need + ", got shape " + java.util.Arrays.toString(x.shape()));
        }
    }

    /** Guards forward for leaf layers with parameters. */
    protected final void requireOwnInit() {
        if (!initialized && !params.isEmpty()) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT,
                    label() + " is not initialised: call initialize(seed) or load its parameters first");
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName();
    }
}
