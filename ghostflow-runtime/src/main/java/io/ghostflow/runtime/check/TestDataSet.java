package io.ghostflow.runtime.check;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.OnnxFiles;
import io.ghostflow.onnx.TensorProtos;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.tensor.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One {@code test_data_set_N} folder of the ONNX backend-test layout: {@code input_K.pb} belongs
 * to the K-th graph input and {@code output_K.pb} to the K-th graph output. Each file is a bare
 * TensorProto, SequenceProto or OptionalProto; the declared type of the matching graph value
 * says which.
 */
public record TestDataSet(Path dir, Map<String, Value> inputs, Map<String, Value> outputs) {

    /** The data set folders of a model folder, sorted by name. */
    public static List<Path> find(Path modelDir) {
        try (Stream<Path> s = Files.list(modelDir)) {
            return s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, "cannot list " + modelDir + ": " + e.getMessage(), e);
        }
    }

    public static TestDataSet read(Path dir, List<ValueInfo> graphInputs, List<ValueInfo> graphOutputs) {
        Map<String, Value> in = new LinkedHashMap<>();
        for (int k = 0; k < graphInputs.size(); k++) {
            Path f = dir.resolve("input_" + k + ".pb");
            if (Files.exists(f)) {
                in.put(graphInputs.get(k).name(), readValue(f, graphInputs.get(k).type()));
            }
        }
        Map<String, Value> out = new LinkedHashMap<>();
        for (int k = 0; k < graphOutputs.size(); k++) {
            Path f = dir.resolve("output_" + k + ".pb");
            if (Files.exists(f)) {
                out.put(graphOutputs.get(k).name(), readValue(f, graphOutputs.get(k).type()));
            }
        }
        return new TestDataSet(dir, in, out);
    }

    /** Reads one .pb value, choosing the message type from the declared graph type. */
    public static Value readValue(Path file, ValueType type) {
        return switch (type.kind()) {
            case SEQUENCE -> TensorProtos.toValue(OnnxFiles.readSequence(file), file.getParent());
            case OPTIONAL -> TensorProtos.toValue(OnnxFiles.readOptional(file), file.getParent());
            default -> TensorProtos.toTensor(OnnxFiles.readTensor(file), file.getParent());
        };
    }

    /** Names of inputs in file order. */
    public List<String> inputNames() {
        return new ArrayList<>(inputs.keySet());
    }
}
