package io.ghostflow.runtime.graph;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A loaded model: the main graph plus the opset versions it imports and its metadata.
 * {@code baseDir} is where the model file lives (external data resolves against it); null for
 * models built in memory.
 */
public final class Model {
    private final Graph graph;
    private final Map<String, Integer> opsets;
    private final long irVersion;
    private final String producerName;
    private final String producerVersion;
    private final Map<String, String> metadata;
    private final Path baseDir;

    public Model(Graph graph, Map<String, Integer> opsets, long irVersion, String producerName, String producerVersion,
                 Map<String, String> metadata, Path baseDir) {
        this.graph = graph;
        this.opsets = new LinkedHashMap<>();
        opsets.forEach((k, v) -> this.opsets.put(Node.normalizeDomain(k), v));
        this.irVersion = irVersion;
        this.producerName = producerName == null ? "" : producerName;
        this.producerVersion = producerVersion == null ? "" : producerVersion;
        this.metadata = Map.copyOf(metadata);
        this.baseDir = baseDir;
    }

    public Graph graph() {
        return graph;
    }

    /** Domain ("" = default ONNX domain) to imported opset version; mutable for converters. */
    public Map<String, Integer> opsets() {
        return opsets;
    }

    public int opset(String domain) {
        return opsets.getOrDefault(Node.normalizeDomain(domain), -1);
    }

    public long irVersion() {
        return irVersion;
    }

    public String producerName() {
        return producerName;
    }

    public String producerVersion() {
        return producerVersion;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public Path baseDir() {
        return baseDir;
    }
}
