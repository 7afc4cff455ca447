package io.ghostflow.runtime.exec;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.core.Parallel;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.ops.ExecContext;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.ops.SubgraphRunner;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A graph prepared for repeated execution: nodes in topological order, values numbered into
 * slots, one kernel per node, and for each slot the step after which nothing reads it, so the
 * executor drops it there and its memory can be reused.
 */
public final class CompiledGraph implements SubgraphRunner {
    private final Graph graph;
    private final List<Node> order;
    private final OpKernel[] kernels;
    private final int[][] inputSlots;
    private final int[][] outputSlots;
    private final int[][] freeAfter;
    private final Map<String, Integer> slotOf = new HashMap<>();
    private final String[] slotNames;
    private final Value[] constants;
    private final int[] graphInputSlots;
    private final int[] graphOutputSlots;
    private final boolean[] keep;
    /** Nodes whose results may be reused from the last run (see {@link ShapeMemo}). */
    private final boolean[] memo;
    /** Memoized nodes that read only their inputs' shapes (Shape, Size). */
    private final boolean[] shapeOnly;

    /** How kernels are found and configured. */
    public record Settings(OpRegistry registry, Map<String, Integer> opsets, int threads) {
    }

    private final Settings settings;
    /** The buffer pool of the last finished run, taken by the next one (a concurrent run makes its own). */
    private final java.util.concurrent.atomic.AtomicReference<BufferPool> idlePool =
            new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * @param outerNames names visible from enclosing graphs (empty for a main graph)
     */
    public CompiledGraph(Graph graph, Settings settings, Set<String> outerNames) {
        this.graph = graph;
        this.settings = settings;
        Set<String> available = new HashSet<>(outerNames);
        graph.inputs().forEach(i -> available.add(i.name()));
        available.addAll(graph.initializers().keySet());
        this.order = TopologicalOrder.sort(graph, available);

        for (ValueInfo in : graph.inputs()) {
            slot(in.name());
        }
        graph.initializers().keySet().forEach(this::slot);
        for (Node n : order) {
            n.inputs().forEach(s -> {
                if (!s.isEmpty()) {
                    slot(s);
                }
            });
            n.outputs().forEach(s -> {
                if (!s.isEmpty()) {
                    slot(s);
                }
            });
        }
        Set<String> produced = new HashSet<>(available);
        order.forEach(n -> produced.addAll(n.outputs()));
        for (ValueInfo out : graph.outputs()) {
            if (!produced.contains(out.name())) {
                throw new GhostFlowException(ErrorCode.INVALID_GRAPH,
                        "graph output '" + out.name() + "' is not produced by any node, input or initializer");
            }
            slot(out.name());
        }
        int nSlots = slotOf.size();
        slotNames = new String[nSlots];
        slotOf.forEach((k, v) -> slotNames[v] = k);
        constants = new Value[nSlots];
        graph.initializers().forEach((k, v) -> constants[slotOf.get(k)] = v);

        graphInputSlots = graph.inputs().stream().mapToInt(i -> slotOf.get(i.name())).toArray();
        graphOutputSlots = graph.outputs().stream().mapToInt(o -> slotOf.get(o.name())).toArray();
        keep = new boolean[nSlots];
        for (int s : graphOutputSlots) {
            keep[s] = true;
        }

        kernels = new OpKernel[order.size()];
        inputSlots = new int[order.size()][];
        outputSlots = new int[order.size()][];
        int[] lastUse = new int[nSlots];
        Arrays.fill(lastUse, -1);
        Set<String> visibleSoFar = new HashSet<>(available);
        for (int i = 0; i < order.size(); i++) {
            Node n = order.get(i);
            inputSlots[i] = n.inputs().stream().mapToInt(s -> s.isEmpty() ? -1 : slotOf.get(s)).toArray();
            outputSlots[i] = n.outputs().stream().mapToInt(s -> s.isEmpty() ? -1 : slotOf.get(s)).toArray();
            for (String u : TopologicalOrder.uses(n)) {
                Integer s = slotOf.get(u);
                if (s != null) {
                    lastUse[s] = i;
                }
            }
            visibleSoFar.addAll(n.outputs());
            kernels[i] = createKernel(n, n.subgraphs().isEmpty() ? Set.of() : new HashSet<>(visibleSoFar));
        }
        List<List<Integer>> frees = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            frees.add(new ArrayList<>());
        }
        for (int s = 0; s < nSlots; s++) {
            if (lastUse[s] >= 0 && !keep[s] && constants[s] == null) {
                frees.get(lastUse[s]).add(s);
            }
        }
        memo = new boolean[order.size()];
        shapeOnly = new boolean[order.size()];
        boolean[] memoSlot = new boolean[nSlots];
        for (int i = 0; i < order.size(); i++) {
            Node n = order.get(i);
            if (!ShapeMemo.pureOp(n.domain(), n.opType(), !n.subgraphs().isEmpty())) {
                continue;
            }
            boolean only = ShapeMemo.readsShapeOnly(n.opType());
            boolean ok = true;
            for (int s : inputSlots[i]) {
                ok &= only || s < 0 || constants[s] != null || memoSlot[s];
            }
            if (ok) {
                memo[i] = true;
                shapeOnly[i] = only;
                for (int s : outputSlots[i]) {
                    if (s >= 0) {
                        memoSlot[s] = true;
                    }
                }
            }
        }
        freeAfter = frees.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }

    private void slot(String name) {
        slotOf.computeIfAbsent(name, k -> slotOf.size());
    }

    private OpKernel createKernel(Node n, Set<String> visible) {
        int opset = settings.opsets().getOrDefault(n.domain(), -1);
        if (opset < 0) {
            if (n.domain().isEmpty()) {
                throw new GhostFlowException(ErrorCode.INVALID_GRAPH, n.label() + ": the model imports no default-domain opset");
            }
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED,
                    n.label() + ": domain '" + n.domain() + "' is not imported by the model and not supported");
        }
        OpRegistry.Match match = settings.registry().lookup(n.domain(), n.opType(), opset);
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
                return settings.threads();
            }

            @Override
            public Tensor constant(String name) {
                return graph.initializers().get(name);
            }

            @Override
            public SubgraphRunner compile(Graph body) {
                return new CompiledGraph(body, settings, visible);
            }
        };
        try {
            return match.factory().create(n, config);
        } catch (GhostFlowException e) {
            if (e.detail().startsWith("node '")) {
                throw e;
            }
            throw new GhostFlowException(e.code(), n.label() + ": " + e.detail(), e);
        } catch (RuntimeException e) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, n.label() + ": " + e, e);
        }
    }

    public Graph graph() {
        return graph;
    }

    public List<Node> order() {
        return order;
    }

    /** Runs with inputs by name; returns all graph outputs by name. */
    public Map<String, Value> run(Map<String, ? extends Value> feeds, NodeListener listener, ExecContext outer) {
        Parallel.wake(settings.threads());
        Frame frame = new Frame(outer);
        for (var e : feeds.entrySet()) {
            Integer s = slotOf.get(e.getKey());
            if (s == null) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "'" + e.getKey() + "' is not a value of the graph");
            }
            frame.slots[s] = e.getValue();
        }
        execute(frame, listener);
        Map<String, Value> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < graphOutputSlots.length; i++) {
            out.put(graph.outputs().get(i).name(), frame.get(graphOutputSlots[i]));
        }
        frame.finish();
        return out;
    }

    @Override
    public Value[] run(ExecContext ctx, Value[] inputs) {
        Frame frame = new Frame(ctx);
        for (int i = 0; i < graphInputSlots.length && i < inputs.length; i++) {
            if (inputs[i] != null) {
                frame.slots[graphInputSlots[i]] = inputs[i];
            }
        }
        execute(frame, null);
        Value[] out = new Value[graphOutputSlots.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = frame.get(graphOutputSlots[i]);
        }
        frame.finish();
        return out;
    }

    @Override
    public int inputCount() {
        return graphInputSlots.length;
    }

    @Override
    public int outputCount() {
        return graphOutputSlots.length;
    }

    private void execute(Frame frame, NodeListener listener) {
        Value[] slots = frame.slots;
        BufferPool pool = frame.pool;
        for (int i = 0; i < order.size(); i++) {
            int[] ins = inputSlots[i];
            Value[] args = pool.args[i];
            for (int k = 0; k < ins.length; k++) {
                args[k] = ins[k] < 0 ? null : frame.get(ins[k]);
            }
            Node n = order.get(i);
            long start = listener == null ? 0 : System.nanoTime();
            Value[] results = memo[i] ? pool.memo.lookup(i, args, shapeOnly[i]) : null;
            try {
                if (results == null) {
                    results = kernels[i].run(frame, args);
                    if (memo[i]) {
                        pool.memo.store(i, args, results, shapeOnly[i]);
                    }
                }
            } catch (GhostFlowException e) {
                throw new GhostFlowException(e.code(), n.label() + ": " + e.detail(), e);
            } catch (RuntimeException | StackOverflowError e) {
                throw new GhostFlowException(ErrorCode.INTERNAL, n.label() + " failed: " + e, e);
            }
            int[] outs = outputSlots[i];
            for (int k = 0; k < outs.length; k++) {
                if (outs[k] < 0) {
                    continue;
                }
                if (results == null || k >= results.length || results[k] == null) {
                    throw new GhostFlowException(ErrorCode.INTERNAL, n.label() + " did not produce output " + k + " '" + n.output(k) + "'");
                }
                slots[outs[k]] = results[k];
                pool.retain(results[k]);
            }
            if (listener != null) {
                listener.onNode(n, start, System.nanoTime() - start, args, results);
            }
            for (int s : freeAfter[i]) {
                pool.release(slots[s]);
                slots[s] = null;
            }
            java.util.Arrays.fill(args, null);
        }
    }

    /** The values of one execution of this graph. */
    private final class Frame implements ExecContext {
        final BufferPool pool;
        final Value[] slots;
        final ExecContext parent;

        Frame(ExecContext parent) {
            this.parent = parent;
            BufferPool p = idlePool.getAndSet(null);
            this.pool = p != null ? p : new BufferPool(slotNames.length, inputSlots);
            this.slots = pool.slots;
        }

        /** After a successful run: forget buffers still referenced and park the pool for the next run. */
        void finish() {
            pool.endRun();
            idlePool.set(pool);
        }

        @Override
        public float[] floatBuffer(int n) {
            return pool.floats(n);
        }

        @Override
        public void recycleBuffer(float[] a) {
            pool.recycle(a);
        }

        Value get(int slot) {
            Value v = slots[slot];
            if (v == null) {
                v = constants[slot];
            }
            if (v == null && parent != null) {
                v = parent.lookup(slotNames[slot]);
            }
            if (v == null) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "no value for '" + slotNames[slot] + "' (missing input?)");
            }
            return v;
        }

        @Override
        public int threads() {
            return settings.threads();
        }

        @Override
        public Value lookup(String name) {
            Integer s = slotOf.get(name);
            if (s != null) {
                Value v = slots[s] != null ? slots[s] : constants[s];
                if (v != null) {
                    return v;
                }
            }
            return parent == null ? null : parent.lookup(name);
        }
    }
}
