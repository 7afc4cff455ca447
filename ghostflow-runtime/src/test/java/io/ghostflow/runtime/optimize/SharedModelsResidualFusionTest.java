package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.TestPaths;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.ModelLoader;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The residual fusion on the real BERT export, whose [batch, seq, 128] shapes are symbolic. */
class SharedModelsResidualFusionTest {
    @Test
    void bertResidualAddsFoldIntoTheDenseLayers() {
        Path file = TestPaths.models().resolve("bert_tiny_hf").resolve("model.onnx");
        assumeTrue(Files.isRegularFile(file), "model not present: " + file);
        Model m = GraphOptimizer.optimizeWithReport(ModelLoader.load(file), SessionOptions.defaults(), OpRegistry.defaults()).model();
        // two layers, each with the attention output projection and the FFN output taking the residual
        assertThat(m.graph().nodes().stream().filter(n -> n.opType().equals("FusedMatMul")).filter(n -> n.hasInput(3))).hasSize(4);
        // so every LayerNormalization but the embeddings' reads a dense layer directly, no Add between
        var idx = new GraphIndex(m.graph());
        long fromDense = m.graph().nodes().stream().filter(n -> n.opType().equals("LayerNormalization"))
                .map(n -> idx.producer(n.input(0))).filter(p -> p != null && p.opType().equals("FusedMatMul")).count();
        assertThat(fromDense).isEqualTo(4);
        assertThat(m.graph().nodes().stream().map(Node::opType).filter("Add"::equals).count()).isEqualTo(3);
    }
}
