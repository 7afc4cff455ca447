package io.ghostflow.server;

import io.ghostflow.runtime.batch.RowModel;
import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.ModelWriter;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Models for server tests, written as real ONNX files into a repository directory. They use
 * test-only operators in their own domains so the tests do not wait for the real operator set:
 * RowMix (y[i,j] = x[i,j]*(j+1) + sum(x[i]) + bias, ghostflow-runtime's test {@link RowModel},
 * shared through its test-jar) and Slow (Identity after a pause).
 */
final class TestModels {
    static final String DOMAIN = "test.ghostflow.server";

    static {
        OpRegistry.defaults().register(DOMAIN, "Slow", 1, (node, cfg) -> {
            long ms = node.getInt("ms", 100);
            return (ctx, in) -> {
                try {
                    Thread.sleep(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new Value[] {in[0]};
            };
        });
    }

    private TestModels() {
    }

    static float[] rowMix(float[] x, int k, float bias) {
        return RowModel.reference(x, k, bias);
    }

    /** rowmix: x FLOAT [N,4] -> y FLOAT [N,4]; {@code bias} tells versions apart. */
    static Model rowMixModel(float bias) {
        return RowModel.model(4, bias);
    }

    /** ident: a INT64 [2,3] and s BYTES [2] through Identity; no batch dimension. */
    static Model identModel() {
        var a = ValueType.tensor(DType.INT64, List.of(Dim.of(2), Dim.of(3)));
        var s = ValueType.tensor(DType.STRING, List.of(Dim.of(2)));
        Graph g = new Graph("ident", List.of(new Node("i1", "Identity", List.of("a"), List.of("a_out")),
                new Node("i2", "Identity", List.of("s"), List.of("s_out"))),
                List.of(new ValueInfo("a", a), new ValueInfo("s", s)), List.of(new ValueInfo("a_out", a), new ValueInfo("s_out", s)),
                Map.of(), Map.of());
        return new Model(g, Map.of("", 17), 8, "test", "", Map.of(), null);
    }

    /** slow: x FLOAT [N,4] -> y after {@code ms} milliseconds. */
    static Model slowModel(long ms) {
        var t = ValueType.tensor(DType.FLOAT, List.of(Dim.symbolic("N"), Dim.of(4)));
        Node n = new Node("slow", "Slow", DOMAIN, List.of("x"), List.of("y"), Map.of("ms", io.ghostflow.runtime.graph.Attribute.of("ms", ms)));
        Graph g = new Graph("slow", List.of(n), List.of(new ValueInfo("x", t)), List.of(new ValueInfo("y", t)), Map.of(), Map.of());
        return new Model(g, Map.of("", 17, DOMAIN, 1), 8, "test", "", Map.of(), null);
    }

    static void write(Path repo, String name, long version, Model m, String configJson) throws IOException {
        Path dir = repo.resolve(name).resolve(Long.toString(version));
        Files.createDirectories(dir);
        ModelWriter.write(m, dir.resolve("model.onnx"));
        if (configJson != null) {
            Files.writeString(repo.resolve(name).resolve("config.json"), configJson);
        }
    }

    /** A repository with rowmix (v1, dynamic batching), ident (no batching) and slow (queue limit 1). */
    static Path repository(Path root) throws IOException {
        write(root, "rowmix", 1, rowMixModel(0f), """
                {"max_batch_size": 8, "dynamic_batching": {"max_queue_delay_microseconds": 500, "preferred_batch_size": [4]},
                 "instance_group": [{"count": 2}], "model_warmup": 1}""");
        write(root, "ident", 1, identModel(), null);
        write(root, "slow", 1, slowModel(300), """
                {"max_batch_size": 0, "queue_limit": 1, "instance_count": 1}""");
        Files.writeString(root.resolve("slow").resolve("config.yaml"), "max_batch_size: 0\n"); // config.json wins
        return root;
    }
}
