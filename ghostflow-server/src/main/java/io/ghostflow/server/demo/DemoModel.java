package io.ghostflow.server.demo;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.server.repository.ModelConfig;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The model {@code ghostflow serve} serves when given no repository: a small MLP built in code
 * (64 inputs, e.g. an 8x8 digit image -> 32 hidden ReLU units -> 10 class scores) with seeded
 * weights, so that the server works out of the box without a checked-in binary.
 */
public final class DemoModel {
    public static final String NAME = "demo";
    public static final int INPUTS = 64;
    public static final int HIDDEN = 32;
    public static final int CLASSES = 10;

    private DemoModel() {
    }

    public static ModelConfig config() {
        return ModelConfig.defaults(NAME).withBatching(32, true, 200);
    }

    public static Model build(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> init = new LinkedHashMap<>();
        init.put("w1", weights(rnd, HIDDEN, INPUTS));
        init.put("b1", weights(rnd, HIDDEN));
        init.put("w2", weights(rnd, CLASSES, HIDDEN));
        init.put("b2", weights(rnd, CLASSES));
        Map<String, Attribute> transB = Map.of("transB", Attribute.of("transB", 1L));
        List<Node> nodes = List.of(
                new Node("fc1", "Gemm", "", List.of("input", "w1", "b1"), List.of("h"), transB),
                new Node("relu", "Relu", List.of("h"), List.of("hr")),
                new Node("fc2", "Gemm", "", List.of("hr", "w2", "b2"), List.of("logits"), transB));
        Dim batch = Dim.symbolic("batch");
        Graph g = new Graph("demo_mlp", nodes,
                List.of(new ValueInfo("input", ValueType.tensor(DType.FLOAT, List.of(batch, Dim.of(INPUTS))))),
                List.of(new ValueInfo("logits", ValueType.tensor(DType.FLOAT, List.of(batch, Dim.of(CLASSES))))),
                init, Map.of());
        return new Model(g, Map.of("", 17), 8, "ghostflow", "0.1.0", Map.of(), null);
    }

    private static Tensor weights(SplittableRandom rnd, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] w = new float[n];
        double scale = 1.0 / Math.sqrt(shape[shape.length - 1]);
        for (int i = 0; i < n; i++) {
            w[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return Tensor.of(w, shape);
    }
}
