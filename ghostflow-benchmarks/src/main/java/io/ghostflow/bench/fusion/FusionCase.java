package io.ghostflow.bench.fusion;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** One benchmarked pattern: an unfused standard-ONNX graph and the inputs to feed it. */
final class FusionCase {
    final String name;
    final String shape;
    private final List<Node> nodes = new ArrayList<>();
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final Map<String, Tensor> inits = new LinkedHashMap<>();
    final Map<String, Tensor> feeds = new LinkedHashMap<>();
    private final Random rnd = new Random(17);

    FusionCase(String name, String shape) {
        this.name = name;
        this.shape = shape;
    }

    FusionCase input(String name, int... shape) {
        List<Dim> dims = new ArrayList<>();
        for (int d : shape) {
            dims.add(Dim.of(d));
        }
        inputs.add(new ValueInfo(name, ValueType.tensor(DType.FLOAT, dims)));
        feeds.put(name, random(0.5, shape));
        return this;
    }

    FusionCase feed(String name, Tensor t) {
        List<Dim> dims = new ArrayList<>();
        for (int d : t.shape()) {
            dims.add(Dim.of(d));
        }
        inputs.add(new ValueInfo(name, ValueType.tensor(t.dtype(), dims)));
        feeds.put(name, t);
        return this;
    }

    FusionCase weights(String name, double scale, int... shape) {
        inits.put(name, random(scale, shape));
        return this;
    }

    FusionCase constant(String name, Tensor t) {
        inits.put(name, t);
        return this;
    }

    FusionCase scalar(String name, float v) {
        return constant(name, Tensor.of(new float[] {v}));
    }

    FusionCase node(String op, List<String> in, String out, Attribute... attrs) {
        Map<String, Attribute> a = new LinkedHashMap<>();
        for (Attribute at : attrs) {
            a.put(at.name(), at);
        }
        nodes.add(new Node(out, op, "", in, List.of(out), a));
        return this;
    }

    Model model(String output) {
        Graph g = new Graph(name, nodes, inputs, List.of(new ValueInfo(output, ValueType.tensor(DType.FLOAT, null))), inits, Map.of());
        return new Model(g, new HashMap<>(Map.of("", 17)), 8, "fusion-bench", "", Map.of(), null);
    }

    Tensor random(double scale, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * scale);
        }
        return Tensor.of(v, shape);
    }
}
