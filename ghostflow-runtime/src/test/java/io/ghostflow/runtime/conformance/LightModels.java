package io.ghostflow.runtime.conformance;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import io.ghostflow.onnx.OnnxFiles;
import io.ghostflow.onnx.TensorProtos;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.TestPaths;
import io.ghostflow.runtime.check.Comparison;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

/**
 * The nine "light" models: no input file; as the upstream runner does, the input is float32
 * {@code arange(n).reshape(shape) / n} with symbolic dimensions set to 1, and tolerances come
 * from {@code real/test_<net>/data.json}.
 */
final class LightModels {
    private LightModels() {
    }

    static List<DynamicNode> tests(OptimizationLevel level, SessionOptions opts, AllowList allow,
                                   Map<String, Set<OptimizationLevel>> passed, Map<String, String> failed, Set<String> seen) throws IOException {
        Path dir = TestPaths.onnxTests().resolve("light");
        List<DynamicNode> out = new ArrayList<>();
        String only = System.getProperty("conformance.only", "");
        try (Stream<Path> s = Files.list(dir)) {
            for (Path model : s.filter(p -> p.toString().endsWith(".onnx")).sorted().toList()) {
                String net = model.getFileName().toString().replace("light_", "").replace(".onnx", "");
                String id = "light/" + net;
                if (!only.isEmpty() && !id.contains(only)) {
                    continue;
                }
                out.add(DynamicTest.dynamicTest(net, () -> {
                    seen.add(id);
                    String failure;
                    try {
                        failure = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> runLight(model, net, opts));
                    } catch (RuntimeException e) {
                        failure = e.toString();
                    }
                    if (failure == null) {
                        passed.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(level);
                        return;
                    }
                    failed.put(id + " @" + level, failure);
                    if (allow.entries().containsKey(id)) {
                        fail(id + " is in the allow-list but failed: " + failure);
                    }
                    Assumptions.abort("not in the allow-list; fails with: " + failure);
                }));
            }
        }
        return out;
    }

    private static String runLight(Path model, String net, SessionOptions opts) throws IOException {
        String json = Files.readString(TestPaths.onnxTests().resolve("real/test_" + net + "/data.json"));
        double rtol = number(json, "rtol");
        double atol = number(json, "atol");
        try (InferenceSession session = InferenceSession.load(model, opts)) {
            ValueInfo in = session.inputs().get(0);
            int[] shape = in.type().shape().stream().mapToInt(d -> d.isFixed() ? (int) d.value() : 1).toArray();
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) i / n;
            }
            Path expectedFile = model.resolveSibling("light_" + net + "_output_0.pb");
            Tensor expected = TensorProtos.toTensor(OnnxFiles.readTensor(expectedFile), null);
            try (Result r = session.run(Map.of(in.name(), Tensor.of(x, shape)))) {
                Comparison c = new Comparison(rtol, atol).compare(session.outputs().get(0).name(), expected, r.get(0));
                return c.failure();
            }
        }
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*([0-9.eE+-]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + key + " in " + json);
        }
        return Double.parseDouble(m.group(1));
    }

}
