package io.ghostflow.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.proto.Onnx.AttributeProto;
import io.ghostflow.onnx.proto.Onnx.GraphProto;
import io.ghostflow.onnx.proto.Onnx.ModelProto;
import io.ghostflow.onnx.proto.Onnx.NodeProto;
import io.ghostflow.onnx.proto.Onnx.SparseTensorProto;
import io.ghostflow.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated model files (byte flips, truncations, insertions, overwritten runs) must either load
 * or fail with GhostFlowException: never another exception, never an OutOfMemoryError or
 * StackOverflowError, never a hang. Deterministic seeds, so a failure reproduces.
 */
class ModelFuzzTest {
    private static final int CASES_PER_FILE = 2000;
    private static final List<String> NODE_TESTS = List.of("test_constant", "test_constantofshape_int_zeros",
            "test_dequantizelinear_int4", "test_if", "test_loop11", "test_scan9_sum", "test_sequence_map_add_2_sequences",
            "test_cast_FLOAT_to_INT4", "test_range_float_type_positive_delta_expanded",
            "test_layer_normalization_2d_axis0_expanded");

    @Test
    void mutatedModelsFailOnlyWithGhostFlowException() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(SharedFiles.model("mlp_mnist"));
        files.add(SharedFiles.model("lenet_bn"));
        for (String t : NODE_TESTS) {
            files.add(SharedFiles.onnxTests().resolve("node").resolve(t).resolve("model.onnx"));
        }
        int total = 0;
        int loaded = 0;
        List<String> escaped = new ArrayList<>();
        for (Path file : files) {
            byte[] original = Files.readAllBytes(file);
            // the unmutated file must load, or the mutations prove nothing
            convertAll(OnnxFiles.parseModel(original.clone(), file.toString()), file.getParent());
            long seed = file.toString().hashCode();
            int[] counts = assertTimeoutPreemptively(Duration.ofSeconds(120),
                    () -> runCases(original, file, seed, escaped), () -> "fuzzing " + file + " did not finish");
            total += counts[0];
            loaded += counts[1];
        }
        assertThat(escaped).as("exceptions other than GhostFlowException").isEmpty();
        assertThat(total).isGreaterThanOrEqualTo(10_000);
        // sanity: mutations are neither all harmless nor all fatal
        assertThat(loaded).isBetween(1, total - 1);
    }

    /**
     * Structured fuzz of single tensors: random dims (including huge and negative), data types
     * (including unknown numbers), typed fields and raw_data of random lengths, external data
     * entries and sparse wrappers.
     */
    @Test
    void randomTensorHeadersFailOnlyWithGhostFlowException() {
        Path baseDir = SharedFiles.model("mlp_mnist").getParent();
        Random r = new Random(42);
        List<String> escaped = new ArrayList<>();
        int[] ok = new int[1];
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int c = 0; c < 20_000; c++) {
                TensorProto t = randomTensor(r);
                try {
                    if (r.nextInt(8) == 0) {
                        TensorProtos.fromSparse(SparseTensorProto.newBuilder().setValues(t).setIndices(randomTensor(r))
                                .addAllDims(randomDims(r)).build(), baseDir);
                    } else {
                        TensorProtos.toTensor(t, baseDir);
                    }
                    ok[0]++;
                } catch (GhostFlowException expected) {
                    // allowed
                } catch (Throwable e) {
                    if (escaped.size() < 20) {
                        escaped.add("case " + c + ": " + e + " for " + t);
                    }
                }
            }
        });
        assertThat(escaped).isEmpty();
        assertThat(ok[0]).isPositive();
    }

    private static List<Long> randomDims(Random r) {
        List<Long> dims = new ArrayList<>();
        int rank = r.nextInt(5);
        for (int i = 0; i < rank; i++) {
            dims.add(switch (r.nextInt(10)) {
                case 0 -> -1L - r.nextInt(3);
                case 1 -> Long.MAX_VALUE - r.nextInt(3);
                case 2 -> 1L << (31 + r.nextInt(32));
                case 3 -> 0L;
                default -> (long) r.nextInt(5);
            });
        }
        return dims;
    }

    private static TensorProto randomTensor(Random r) {
        TensorProto.Builder b = TensorProto.newBuilder().setName("t").addAllDims(randomDims(r))
                .setDataType(r.nextInt(12) == 0 ? r.nextInt() : r.nextInt(28));
        switch (r.nextInt(8)) {
            case 0 -> {
                byte[] raw = new byte[r.nextInt(40)];
                r.nextBytes(raw);
                b.setRawData(com.google.protobuf.ByteString.copyFrom(raw));
            }
            case 1 -> { for (int i = r.nextInt(20); i > 0; i--) b.addFloatData(r.nextFloat()); }
            case 2 -> { for (int i = r.nextInt(20); i > 0; i--) b.addInt32Data(r.nextInt()); }
            case 3 -> { for (int i = r.nextInt(20); i > 0; i--) b.addInt64Data(r.nextLong()); }
            case 4 -> { for (int i = r.nextInt(20); i > 0; i--) b.addDoubleData(r.nextDouble()); }
            case 5 -> { for (int i = r.nextInt(20); i > 0; i--) b.addUint64Data(r.nextLong()); }
            case 6 -> { for (int i = r.nextInt(20); i > 0; i--) b.addStringData(com.google.protobuf.ByteString.copyFromUtf8("s" + i)); }
            default -> {
                b.setDataLocation(TensorProto.DataLocation.EXTERNAL);
                String[] locations = {"model.onnx", "../lenet_bn/model.onnx", "/etc/passwd", "nope", "", "a\0b", "C:x",
                        "test_data_set_0/input_0.pb", "."};
                b.addExternalData(entry("location", locations[r.nextInt(locations.length)]));
                if (r.nextBoolean()) {
                    b.addExternalData(entry("offset", Long.toString(r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(5000))));
                }
                if (r.nextBoolean()) {
                    b.addExternalData(entry("length", r.nextInt(5) == 0 ? "x" : Long.toString(r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(64))));
                }
            }
        }
        return b.build();
    }

    private static io.ghostflow.onnx.proto.Onnx.StringStringEntryProto entry(String k, String v) {
        return io.ghostflow.onnx.proto.Onnx.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    private static int[] runCases(byte[] original, Path file, long seed, List<String> escaped) {
        Random r = new Random(seed);
        int loaded = 0;
        for (int c = 0; c < CASES_PER_FILE; c++) {
            byte[] mutated = mutate(original, r);
            try {
                convertAll(OnnxFiles.parseModel(mutated, "case " + c), file.getParent());
                loaded++;
            } catch (GhostFlowException expected) {
                // the one allowed failure
            } catch (Throwable t) {
                if (escaped.size() < 20) {
                    escaped.add(file.getFileName() + " seed " + seed + " case " + c + ": " + t);
                }
            }
        }
        return new int[] {CASES_PER_FILE, loaded};
    }

    /**
     * One to a few mutations. Positions favour the first kilobytes, where the graph structure
     * and the tensor headers (dims, data_type, lengths) live; weight bytes are mostly inert.
     */
    static byte[] mutate(byte[] in, Random r) {
        byte[] b = in.clone();
        int rounds = 1 + r.nextInt(3);
        for (int k = 0; k < rounds && b.length > 0; k++) {
            int at = r.nextBoolean() ? r.nextInt(Math.min(b.length, 4096)) : r.nextInt(b.length);
            switch (r.nextInt(6)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = (byte) r.nextInt(256);
                case 2 -> b = Arrays.copyOf(b, at); // truncation
                case 3 -> { // insertion
                    byte[] extra = new byte[1 + r.nextInt(16)];
                    r.nextBytes(extra);
                    byte[] out = new byte[b.length + extra.length];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(extra, 0, out, at, extra.length);
                    System.arraycopy(b, at, out, at + extra.length, b.length - at);
                    b = out;
                }
                case 4 -> { // a run of 0xff: varints that claim huge lengths and dims
                    int len = Math.min(1 + r.nextInt(10), b.length - at);
                    Arrays.fill(b, at, at + len, (byte) 0xff);
                }
                default -> { // deletion
                    int len = Math.min(1 + r.nextInt(8), b.length - at);
                    byte[] out = new byte[b.length - len];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + len, out, at, b.length - at - len);
                    b = out;
                }
            }
        }
        return b;
    }

    /** Converts every tensor a loader would: initializers, sparse initializers, tensor attributes, in all subgraphs. */
    static void convertAll(ModelProto model, Path baseDir) {
        convertGraph(model.getGraph(), baseDir);
    }

    private static void convertGraph(GraphProto g, Path baseDir) {
        for (TensorProto t : g.getInitializerList()) {
            TensorProtos.toTensor(t, baseDir);
        }
        for (SparseTensorProto s : g.getSparseInitializerList()) {
            TensorProtos.fromSparse(s, baseDir);
        }
        for (NodeProto n : g.getNodeList()) {
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasT()) {
                    TensorProtos.toTensor(a.getT(), baseDir);
                }
                for (TensorProto t : a.getTensorsList()) {
                    TensorProtos.toTensor(t, baseDir);
                }
                if (a.hasSparseTensor()) {
                    TensorProtos.fromSparse(a.getSparseTensor(), baseDir);
                }
                for (SparseTensorProto s : a.getSparseTensorsList()) {
                    TensorProtos.fromSparse(s, baseDir);
                }
                if (a.hasG()) {
                    convertGraph(a.getG(), baseDir);
                }
                for (GraphProto sub : a.getGraphsList()) {
                    convertGraph(sub, baseDir);
                }
            }
        }
    }
}
