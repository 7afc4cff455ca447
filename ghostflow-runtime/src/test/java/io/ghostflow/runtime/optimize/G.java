package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.exec.CompiledGraph;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A tiny graph builder plus the run-and-compare helpers every pass test uses. */
final class G {
    static final OpRegistry REF = RefOps.registry();
    private final List<Node> nodes = new ArrayList<>();
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final Map<String, Tensor> inits = new LinkedHashMap<>();
    private final Random rnd = new Random(7);

    G input(String name, Object... dims) {
        return typedInput(name, DType.FLOAT, dims);
    }

    G typedInput(String name, DType type, Object... dims) {
        List<Dim> d = new ArrayList<>();
        for (Object o : dims) {
            d.add(o instanceof String s ? Dim.symbolic(s) : Dim.of(((Number) o).longValue()));
        }
        inputs.add(new ValueInfo(name, ValueType.tensor(type, d)));
        return this;
    }

    G init(String name, Tensor t) {
        inits.put(name, t);
        return this;
    }

    /** A random float initializer. */
    G weights(String name, int... shape) {
        return init(name, random(rnd, 0.5, shape));
    }

    G scalar(String name, float v) {
        return init(name, Tensor.of(new float[] {v}));
    }

    G ints(String name, long... v) {
        return init(name, Tensor.ofLongs(v, v.length));
    }

    G node(String op, List<String> ins, String out, Attribute... attrs) {
        Map<String, Attribute> a = new LinkedHashMap<>();
        for (Attribute at : attrs) {
            a.put(at.name(), at);
        }
        nodes.add(new Node(out + "_node", op, "", ins, List.of(out), a));
        return this;
    }

    G output(String... names) {
        for (String n : names) {
            outputs.add(new ValueInfo(n, ValueType.tensor(DType.FLOAT, null)));
        }
        return this;
    }

    Model model() {
        return new Model(new Graph("test", nodes, inputs, outputs, inits, Map.of()), new HashMap<>(Map.of("", 17)), 8, "test", "", Map.of(), null);
    }

    static Tensor random(Random rnd, double scale, int... shape) {
        float[] v = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * scale);
        }
        return Tensor.of(v, shape);
    }

    static Map<String, Value> run(Model m, Map<String, ? extends Value> feeds) {
        var settings = new CompiledGraph.Settings(REF, m.opsets(), 2);
        return new CompiledGraph(m.graph(), settings, Set.of()).run(feeds, null, null);
    }

    /** Runs m on the engine's own kernels (2 threads; REF's Concat is shape-only) and returns its output "y". */
    static Tensor runEngine(Model m, Map<String, ? extends Value> feeds) {
        var settings = new CompiledGraph.Settings(OpRegistry.defaults(), m.opsets(), 2);
        return (Tensor) new CompiledGraph(m.graph(), settings, Set.of()).run(feeds, null, null).get("y");
    }

    /** Output "y" of both models on the engine's kernels: same shape, same bits (whole arrays compared at once). */
    static void assertSameBits(Model a, Model b, Map<String, ? extends Value> feeds) {
        Tensor x = runEngine(a, feeds);
        Tensor y = runEngine(b, feeds);
        org.assertj.core.api.Assertions.assertThat(y.shape()).containsExactly(x.shape());
        org.assertj.core.api.Assertions.assertThat(y.floats()).isEqualTo(x.floats());
    }

    static OptimizationReport optimize(Model m, GraphPass... passes) {
        return optimize(m, SessionOptions.defaults(), passes);
    }

    static OptimizationReport optimize(Model m, SessionOptions opts, GraphPass... passes) {
        return GraphOptimizer.run(m, opts, REF, passes.length == 0 ? GraphOptimizer.passes() : List.of(passes));
    }

    static List<String> ops(Model m) {
        return m.graph().nodes().stream().map(Node::opType).toList();
    }

    /** Runs both models on the same feeds and checks every output agrees within {@code tol} (absolute + relative). */
    static void assertSameResults(Model before, Model after, Map<String, ? extends Value> feeds, double tol) {
        Map<String, Value> a = run(before, feeds);
        Map<String, Value> b = run(after, feeds);
        assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
        for (String k : a.keySet()) {
            Tensor x = (Tensor) a.get(k), y = (Tensor) b.get(k);
            assertThat(y.shape()).as(k).containsExactly(x.shape());
            for (int i = 0; i < x.size(); i++) {
                double e = x.getDouble(i), g = y.getDouble(i);
                if (Double.isNaN(e)) {
                    assertThat(g).as(k + "[" + i + "]").isNaN();
                } else {
                    assertThat(Math.abs(e - g)).as(k + "[" + i + "]: expected " + e + " got " + g).isLessThanOrEqualTo(tol * (1 + Math.abs(e)));
                }
            }
        }
    }

    /** m with its graph's nodes, inputs and outputs replaced (initializers and opsets kept). */
    static Model rebuilt(Model m, List<Node> nodes, List<ValueInfo> inputs, List<ValueInfo> outputs) {
        Graph g = m.graph();
        return new Model(new Graph(g.name(), nodes, inputs, outputs, g.initializers(), Map.of()), m.opsets(), 8, "test", "",
                Map.of(), null);
    }

    /** m with its nodes replaced. */
    static Model withNodes(Model m, List<Node> nodes) {
        return rebuilt(m, nodes, m.graph().inputs(), m.graph().outputs());
    }

    /** m with the value {@code name} a graph output as well. */
    static Model alsoOutput(Model m, String name) {
        List<ValueInfo> outs = new ArrayList<>(m.graph().outputs());
        outs.add(new ValueInfo(name, ValueType.tensor(DType.FLOAT, null)));
        return rebuilt(m, m.graph().nodes(), m.graph().inputs(), outs);
    }

    /** m with a float graph input {@code name} of the given shape: callers may then override that initializer. */
    static Model withInput(Model m, String name, int... shape) {
        List<Dim> dims = new ArrayList<>();
        for (int d : shape) {
            dims.add(Dim.of(d));
        }
        List<ValueInfo> inputs = new ArrayList<>(m.graph().inputs());
        inputs.add(new ValueInfo(name, ValueType.tensor(DType.FLOAT, dims)));
        return rebuilt(m, m.graph().nodes(), inputs, m.graph().outputs());
    }

    static Map<String, Value> feed(String name, Tensor t) {
        return Map.of(name, t);
    }
}
