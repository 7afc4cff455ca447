package io.ghostflow.runtime.batch;

import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.SessionOptions;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model with rows that depend only on themselves (y[i,j] = x[i,j] * (j+1) + sum(x[i]) + bias),
 * built on a test-only operator RowMix in its own domain, so batching tests need no real operator.
 * Counts runs. Shared with ghostflow-server's tests through this module's test-jar, which is why it
 * is public.
 */
public final class RowModel {
    public static final String DOMAIN = "test.ghostflow.batch";
    public static final AtomicInteger RUNS = new AtomicInteger();

    static {
        OpRegistry.defaults().register(DOMAIN, "RowMix", 1, (node, cfg) -> {
            float bias = node.getFloat("bias", 0f);
            return (ctx, in) -> {
                RUNS.incrementAndGet();
                Tensor x = (Tensor) in[0];
                int n = x.dim(0);
                int k = x.dim(1);
                return new Value[] {Tensor.of(reference(x.floats(), k, bias), n, k)};
            };
        });
    }

    private RowModel() {
    }

    /** The operator's result for rows of {@code width} values, computed in the same order. */
    public static float[] reference(float[] x, int width, float bias) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length / width; i++) {
            float s = 0;
            for (int j = 0; j < width; j++) {
                s += x[i * width + j];
            }
            for (int j = 0; j < width; j++) {
                y[i * width + j] = x[i * width + j] * (j + 1) + s + bias;
            }
        }
        return y;
    }

    /** rowmix: x FLOAT [N,width] -> y FLOAT [N,width]; {@code bias} tells models apart. */
    public static Model model(int width, float bias) {
        var type = ValueType.tensor(DType.FLOAT, List.of(Dim.symbolic("N"), Dim.of(width)));
        Node n = new Node("mix", "RowMix", DOMAIN, List.of("x"), List.of("y"), Map.of("bias", Attribute.of("bias", bias)));
        Graph g = new Graph("rowmix", List.of(n), List.of(new ValueInfo("x", type)), List.of(new ValueInfo("y", type)), Map.of(), Map.of());
        return new Model(g, Map.of("", 21, DOMAIN, 1), 10, "test", "", Map.of(), null);
    }

    public static InferenceSession session(int width) {
        return InferenceSession.of(model(width, 0f), SessionOptions.defaults().withIntraOpThreads(1));
    }

    public static Map<String, Tensor> sample(int seed, int rows, int width) {
        float[] v = new float[rows * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(seed * 31 + i) * 3;
        }
        return Map.of("x", Tensor.of(v, rows, width));
    }
}
