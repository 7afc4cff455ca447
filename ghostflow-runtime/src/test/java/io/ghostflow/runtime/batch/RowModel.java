package io.ghostflow.runtime.batch;

import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.SessionOptions;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model with rows that depend only on themselves (y[i] = x[i] * (j+1) + sum(x[i])), built on a
 * test-only operator in its own domain, so batching tests need no real operator. Counts runs.
 */
final class RowModel {
    static final String DOMAIN = "test.ghostflow.batch";
    static final AtomicInteger RUNS = new AtomicInteger();

    static {
        OpRegistry.defaults().register(DOMAIN, "RowMix", 1, (node, cfg) -> (ctx, in) -> {
            RUNS.incrementAndGet();
            Tensor x = (Tensor) in[0];
            int n = x.dim(0);
            int k = x.dim(1);
            float[] a = x.floats();
            float[] y = new float[n * k];
            for (int i = 0; i < n; i++) {
                float s = 0;
                for (int j = 0; j < k; j++) {
                    s += a[i * k + j];
                }
                for (int j = 0; j < k; j++) {
                    y[i * k + j] = a[i * k + j] * (j + 1) + s;
                }
            }
            return new Value[] {Tensor.of(y, n, k)};
        });
    }

    private RowModel() {
    }

    static InferenceSession session(int width) {
        var type = ValueType.tensor(DType.FLOAT, List.of(Dim.symbolic("N"), Dim.of(width)));
        Graph g = new Graph("rowmix", List.of(new Node("mix", "RowMix", DOMAIN, List.of("x"), List.of("y"), Map.of())),
                List.of(new ValueInfo("x", type)), List.of(new ValueInfo("y", type)), Map.of(), Map.of());
        Model m = new Model(g, Map.of("", 21, DOMAIN, 1), 10, "test", "", Map.of(), null);
        return InferenceSession.of(m, SessionOptions.defaults().withIntraOpThreads(1));
    }

    static Map<String, Tensor> sample(int seed, int rows, int width) {
        float[] v = new float[rows * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(seed * 31 + i) * 3;
        }
        return Map.of("x", Tensor.of(v, rows, width));
    }
}
