package io.ghostflow.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.tensor.OptionalValue;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.TensorSequence;
import io.ghostflow.tensor.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every input and output file of every ONNX node test converts. The manifest says which
 * message each file holds (T = TensorProto, S = SequenceProto, O = OptionalProto).
 */
class OnnxTestDataTest {
    @Test
    void everyTestSuiteModelAndSharedModelLoads() throws IOException {
        List<Path> models;
        try (var walk = Files.walk(SharedFiles.onnxTests())) {
            models = new ArrayList<>(walk.filter(p -> p.toString().endsWith(".onnx")).toList());
        }
        try (var walk = Files.walk(SharedFiles.shared().resolve("models"))) {
            models.addAll(walk.filter(p -> p.toString().endsWith(".onnx")).toList());
        }
        List<String> failures = new ArrayList<>();
        for (Path m : models) {
            try {
                ModelFuzzTest.convertAll(OnnxFiles.readModel(m), m.getParent());
            } catch (RuntimeException e) {
                failures.add(m + ": " + e.getMessage());
            }
        }
        assertThat(failures).isEmpty();
        assertThat(models).hasSizeGreaterThan(1950);
    }

    @Test
    void everyOtherSuiteValueFileConverts() throws IOException {
        // outside node/ every value file is a TensorProto (README: the non-tensor files are all in node/)
        List<String> failures = new ArrayList<>();
        int files = 0;
        for (String suite : List.of("simple", "pytorch-converted", "pytorch-operator", "light")) {
            try (var walk = Files.walk(SharedFiles.onnxTests().resolve(suite))) {
                for (Path p : walk.filter(f -> f.toString().endsWith(".pb")).toList()) {
                    files++;
                    try {
                        TensorProtos.toTensor(OnnxFiles.readTensor(p), p.getParent());
                    } catch (RuntimeException e) {
                        failures.add(p + ": " + e.getMessage());
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(files).isGreaterThan(300);
    }

    @Test
    void everyNodeTestValueConverts() throws IOException {
        Path root = SharedFiles.onnxTests();
        List<String> lines = Files.readAllLines(root.resolve("MANIFEST.tsv"));
        List<String> failures = new ArrayList<>();
        EnumSet<io.ghostflow.tensor.DType> seen = EnumSet.noneOf(io.ghostflow.tensor.DType.class);
        int files = 0;
        int sequences = 0;
        int optionals = 0;
        int emptyOptionals = 0;
        String[] header = lines.get(0).split("\t");
        int kindsCol = List.of(header).indexOf("pb_message_kinds");
        for (String line : lines.subList(1, lines.size())) {
            String[] cols = line.split("\t");
            if (!cols[0].startsWith("node/")) {
                continue;
            }
            Path dataSet = root.resolve(cols[0]).resolve("test_data_set_0");
            for (String part : cols[kindsCol].split(" ")) {
                String prefix = part.startsWith("in:") ? "input_" : "output_";
                String kinds = part.substring(part.indexOf(':') + 1);
                for (int k = 0; k < kinds.length(); k++) {
                    Path file = dataSet.resolve(prefix + k + ".pb");
                    files++;
                    try {
                        Value v = switch (kinds.charAt(k)) {
                            case 'T' -> TensorProtos.toTensor(OnnxFiles.readTensor(file), dataSet);
                            case 'S' -> TensorProtos.toValue(OnnxFiles.readSequence(file), dataSet);
                            case 'O' -> TensorProtos.toValue(OnnxFiles.readOptional(file), dataSet);
                            default -> throw new AssertionError("unknown kind in " + line);
                        };
                        switch (v) {
                            case Tensor t -> seen.add(t.dtype());
                            case TensorSequence s -> sequences++;
                            case OptionalValue o -> {
                                optionals++;
                                if (!o.isPresent()) {
                                    emptyOptionals++;
                                }
                            }
                        }
                    } catch (RuntimeException e) {
                        failures.add(file + ": " + e.getMessage());
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
        long onDisk;
        try (var walk = Files.walk(root.resolve("node"))) {
            onDisk = walk.filter(p -> p.toString().endsWith(".pb")).count();
        }
        assertThat(files).as("every .pb file of node/ is covered by the manifest").isEqualTo((int) onDisk);
        assertThat(sequences).isEqualTo(48);
        assertThat(optionals).isEqualTo(9);
        assertThat(emptyOptionals).isGreaterThanOrEqualTo(1);
        // the README lists these as occurring; all must have been decoded at least once
        assertThat(seen).contains(io.ghostflow.tensor.DType.FLOAT16, io.ghostflow.tensor.DType.BFLOAT16,
                io.ghostflow.tensor.DType.FLOAT8E4M3FN, io.ghostflow.tensor.DType.FLOAT8E8M0,
                io.ghostflow.tensor.DType.FLOAT4E2M1, io.ghostflow.tensor.DType.INT4, io.ghostflow.tensor.DType.UINT2,
                io.ghostflow.tensor.DType.STRING, io.ghostflow.tensor.DType.UINT64);
    }
}
