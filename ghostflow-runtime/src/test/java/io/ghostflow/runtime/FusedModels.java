package io.ghostflow.runtime;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.runtime.ops.fused.FusedOps;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small MLP built only from ops every build registers (GhostFlow's fused ops and Identity),
 * for session-level tests that must not wait for the standard op families.
 */
public final class FusedModels {
    private FusedModels() {
    }

    /** x[batch, 16] -> FusedGemm(RELU) -> Gelu -> LayerNormalization -> Identity -> y[batch, 8]. */
    public static Model mlp() {
        Random rnd = new Random(1);
        Map<String, Tensor> init = new HashMap<>();
        init.put("w1", random(rnd, 16, 32));
        init.put("b1", random(rnd, 32));
        init.put("w2", random(rnd, 32, 8));
        init.put("gamma", random(rnd, 8));
        Map<String, Attribute> relu = new HashMap<>();
        relu.put("activation", Attribute.of("activation", "RELU"));
        List<Node> nodes = List.of(
                new Node("fc1", "FusedGemm", FusedOps.DOMAIN, List.of("x", "w1", "b1"), List.of("h"), relu),
                new Node("gelu", "Gelu", FusedOps.DOMAIN, List.of("h"), List.of("g"), Map.of()),
                new Node("fc2", "FusedMatMul", FusedOps.DOMAIN, List.of("g", "w2"), List.of("z"), Map.of()),
                new Node("ln", "LayerNormalization", FusedOps.DOMAIN, List.of("z", "gamma"), List.of("n"), Map.of()),
                new Node("id", "Identity", "", List.of("n"), List.of("y"), Map.of()));
        var in = new ValueInfo("x", ValueType.tensor(DType.FLOAT, List.of(Dim.symbolic("batch"), Dim.of(16))));
        var out = new ValueInfo("y", ValueType.tensor(DType.FLOAT, List.of(Dim.symbolic("batch"), Dim.of(8))));
        Graph g = new Graph("mlp", nodes, List.of(in), List.of(out), init, Map.of());
        return new Model(g, new HashMap<>(Map.of("", 17, FusedOps.DOMAIN, 1)), 8, "test", "", Map.of(), null);
    }

    public static Tensor random(Random rnd, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return Tensor.of(v, shape);
    }
}
