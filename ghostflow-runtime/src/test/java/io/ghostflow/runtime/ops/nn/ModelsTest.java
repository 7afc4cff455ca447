package io.ghostflow.runtime.ops.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.TestPaths;
import io.ghostflow.runtime.check.ModelCheck;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.ModelLoader;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real models of ../shared/models against their recorded outputs (rtol 1e-3, atol 1e-4).
 * A model is skipped only while an operator from another family is still missing, and the
 * skip names it.
 */
class ModelsTest {
    @ParameterizedTest
    @ValueSource(strings = {"mlp_mnist", "lenet_bn", "squeezenet1_1", "mobilenet_v2_bn", "resnet18", "bert_tiny_hf", "bert_tiny_int8"})
    void modelMatchesReference(String name) {
        Path dir = TestPaths.models().resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("model.onnx")), "model not present: " + dir);
        Set<String> missing = missingOps(ModelLoader.load(dir.resolve("model.onnx")).graph());
        Assumptions.assumeTrue(missing.isEmpty(), name + " needs operators not implemented yet: " + missing);
        List<ModelCheck.SetResult> results = ModelCheck.check(dir, SessionOptions.defaults(), 1e-3, 1e-4);
        assertThat(results).isNotEmpty();
        for (ModelCheck.SetResult r : results) {
            assertThat(r.passed()).as(r.line()).isTrue();
        }
    }

    private static Set<String> missingOps(Graph g) {
        Set<String> missing = new TreeSet<>();
        OpRegistry reg = OpRegistry.defaults();
        for (Node n : g.nodes()) {
            if (!reg.supports(n.domain(), n.opType())) {
                missing.add((n.domain().isEmpty() ? "" : n.domain() + ".") + n.opType());
            }
            for (Graph sub : n.subgraphs()) {
                missing.addAll(missingOps(sub));
            }
        }
        return missing;
    }
}
