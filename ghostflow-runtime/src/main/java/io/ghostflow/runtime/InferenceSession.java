package io.ghostflow.runtime;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.OnnxFiles;
import io.ghostflow.runtime.exec.CompiledGraph;
import io.ghostflow.runtime.exec.NodeListener;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.ModelLoader;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.optimize.GraphOptimizer;
import io.ghostflow.tensor.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A loaded, optimized, ready-to-run model. Thread-safe: {@link #run} may be called
 * concurrently; each call has its own value slots.
 *
 * <pre>{@code
 * try (var session = InferenceSession.load(Path.of("model.onnx"), SessionOptions.defaults());
 *      var result = session.run(Map.of("input", input))) {
 *     Tensor logits = result.get("output");
 * }
 * }</pre>
 */
public final class InferenceSession implements AutoCloseable {
    private final Model model;
    private final SessionOptions options;
    private final CompiledGraph compiled;
    private final List<ValueInfo> inputs;
    private final List<ValueInfo> outputs;
    private final Set<String> overridable;
    private volatile boolean closed;
    /** Set when options.profileFile() is: collects every run's node timings, written on close. */
    private final io.ghostflow.runtime.profile.ChromeTraceProfiler profiler;
    /** Set when options.resultCacheEntries() > 0. */
    private final io.ghostflow.runtime.cache.ResultCache resultCache;

    private InferenceSession(Model model, SessionOptions options) {
        this.options = options;
        this.model = GraphOptimizer.optimize(
                io.ghostflow.runtime.ops.training.GradientGraphs.attachForwardGraphs(model), options);
        var settings = new CompiledGraph.Settings(OpRegistry.defaults(), this.model.opsets(), options.intraOpThreads());
        this.compiled = new CompiledGraph(this.model.graph(), settings, Set.of());
        this.inputs = List.copyOf(this.model.graph().requiredInputs());
        this.outputs = completeOutputTypes(this.model);
        this.overridable = Set.copyOf(this.model.graph().initializers().keySet());
        this.profiler = options.profileFile() == null ? null : new io.ghostflow.runtime.profile.ChromeTraceProfiler();
        this.resultCache = options.resultCacheEntries() > 0 ? new io.ghostflow.runtime.cache.ResultCache(options.resultCacheEntries()) : null;
        if (options.optimizedModelPath() != null) {
            io.ghostflow.runtime.graph.ModelWriter.write(this.model, options.optimizedModelPath());
        }
    }

    /**
     * Declared output types, with the element type and shape filled in by symbolic inference
     * where the model leaves them out (some exporters declare outputs without shapes).
     */
    private static List<ValueInfo> completeOutputTypes(Model model) {
        List<ValueInfo> declared = model.graph().outputs();
        if (declared.stream().allMatch(o -> o.type().kind() != io.ghostflow.runtime.graph.ValueType.Kind.UNKNOWN && (!o.type().isTensor()
                || o.type().hasShape() && o.type().elementType() != null))) {
            return List.copyOf(declared);
        }
        var inferred = io.ghostflow.runtime.shape.SymbolicShapes.infer(model.graph(), model.opsets());
        return declared.stream().map(o -> {
            var t = inferred.get(o.name());
            boolean incomplete = o.type().kind() == io.ghostflow.runtime.graph.ValueType.Kind.UNKNOWN
                    || o.type().isTensor() && (!o.type().hasShape() || o.type().elementType() == null);
            return incomplete && t != null && t.isTensor() ? new ValueInfo(o.name(), t) : o;
        }).toList();
    }

    /** Loads an ONNX file. */
    public static InferenceSession load(Path file, SessionOptions options) {
        if (!Files.isRegularFile(file)) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, "model file not found: " + file);
        }
        return new InferenceSession(ModelLoader.load(file), options);
    }

    /** Loads a model from bytes (external data is refused: there is no directory to resolve it against). */
    public static InferenceSession load(byte[] modelBytes, SessionOptions options) {
        return new InferenceSession(ModelLoader.fromProto(OnnxFiles.parseModel(modelBytes, "model bytes"), null), options);
    }

    /** Builds a session from a model already in memory. */
    public static InferenceSession of(Model model, SessionOptions options) {
        return new InferenceSession(model, options);
    }

    /** Inputs a caller must feed (initializer-backed graph inputs are left out). */
    public List<ValueInfo> inputs() {
        return inputs;
    }

    public List<ValueInfo> outputs() {
        return outputs;
    }

    public SessionOptions options() {
        return options;
    }

    /** The model as it runs (after optimization). */
    public Model model() {
        return model;
    }

    public Result run(Map<String, ? extends Value> feeds) {
        return run(feeds, null, null);
    }

    /** Runs and returns only {@code outputNames} (all outputs when null). */
    public Result run(Map<String, ? extends Value> feeds, Collection<String> outputNames) {
        return run(feeds, outputNames, null);
    }

    /** Runs with a per-node listener (profiling). */
    public Result run(Map<String, ? extends Value> feeds, Collection<String> outputNames, NodeListener listener) {
        if (closed) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "session is closed");
        }
        InputValidator.validate(feeds, inputs, overridable);
        String cacheKey = resultCache != null && listener == null ? io.ghostflow.runtime.cache.ResultCache.key(feeds, outputNames) : null;
        if (cacheKey != null) {
            Map<String, Value> hit = resultCache.get(cacheKey);
            if (hit != null) {
                return new Result(hit);
            }
        }
        NodeListener effective = listener;
        if (profiler != null) {
            NodeListener user = listener;
            effective = user == null ? profiler : (node, start, dur, ins, outs) -> {
                user.onNode(node, start, dur, ins, outs);
                profiler.onNode(node, start, dur, ins, outs);
            };
        }
        Map<String, Value> all = compiled.run(feeds, effective, null);
        if (cacheKey != null) {
            Map<String, Value> kept = all;
            if (outputNames != null) {
                kept = new LinkedHashMap<>();
                for (String name : outputNames) {
                    if (all.containsKey(name)) {
                        kept.put(name, all.get(name));
                    }
                }
            }
            resultCache.put(cacheKey, kept);
        }
        if (outputNames == null) {
            return new Result(all);
        }
        Map<String, Value> picked = new LinkedHashMap<>();
        for (String name : outputNames) {
            Value v = all.get(name);
            if (v == null) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "unknown output '" + name + "'; the model's outputs are "
                        + outputs.stream().map(ValueInfo::name).collect(Collectors.toList()));
            }
            picked.put(name, v);
        }
        return new Result(picked);
    }

    /** The result cache, or null when options.resultCacheEntries() is 0. */
    public io.ghostflow.runtime.cache.ResultCache resultCache() {
        return resultCache;
    }

    /** Writes the profile collected so far to options.profileFile() and returns that path (null when not profiling). */
    public Path endProfiling() {
        if (profiler == null) {
            return null;
        }
        profiler.write(options.profileFile());
        return options.profileFile();
    }

    @Override
    public void close() {
        if (!closed && profiler != null) {
            endProfiling();
        }
        closed = true;
    }
}
