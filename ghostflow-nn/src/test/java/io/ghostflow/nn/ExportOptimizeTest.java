package io.ghostflow.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.nn.export.OnnxExporter;
import io.ghostflow.nn.train.DemoModels;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.optimize.GraphOptimizer;
import io.ghostflow.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The train -> export -> optimize path: the optimizer folds the exported BatchNormalization and fuses Gemm+Relu. */
class ExportOptimizeTest {
    private static List<String> ops(Model m) {
        return m.graph().nodes().stream().map(Node::opType).toList();
    }

    @Test
    void cnnExportHasBatchNormFoldedAndConvReluFused() {
        Sequential cnn = DemoModels.cnn();
        cnn.initialize(3);
        cnn.eval();
        Model exported = OnnxExporter.toModel(cnn, 1, 8, 8);
        assertThat(ops(exported)).contains("BatchNormalization", "Conv", "Relu");
        Model optimized = GraphOptimizer.optimizeWithReport(exported, SessionOptions.defaults(), OpRegistry.defaults()).model();
        assertThat(ops(optimized)).doesNotContain("BatchNormalization", "Relu").contains("FusedConv");
        assertSameOutputs(exported, optimized, new int[] {5, 1, 8, 8});
    }

    @Test
    void mlpExportHasGemmReluFused() {
        Sequential mlp = DemoModels.mlp();
        mlp.initialize(4);
        mlp.eval();
        Model exported = OnnxExporter.toModel(mlp, 64);
        assertThat(ops(exported)).contains("Gemm", "Relu");
        Model optimized = GraphOptimizer.optimizeWithReport(exported, SessionOptions.defaults(), OpRegistry.defaults()).model();
        assertThat(ops(optimized)).doesNotContain("Relu").contains("FusedGemm");
        assertSameOutputs(exported, optimized, new int[] {7, 64});
    }

    private static void assertSameOutputs(Model plain, Model optimized, int[] shape) {
        SplittableRandom rnd = new SplittableRandom(11);
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextDouble(-2, 2);
        }
        Map<String, Tensor> feeds = Map.of(OnnxExporter.INPUT, Tensor.of(x, shape));
        SessionOptions none = SessionOptions.defaults().withOptimizationLevel(SessionOptions.OptimizationLevel.NONE);
        try (var a = InferenceSession.of(plain, none); var b = InferenceSession.of(optimized, none);
             Result ra = a.run(feeds); Result rb = b.run(feeds)) {
            float[] ya = ra.get(0).floats();
            float[] yb = rb.get(0).floats();
            assertThat(yb).hasSameSizeAs(ya);
            for (int i = 0; i < ya.length; i++) {
                assertThat((double) yb[i]).isCloseTo(ya[i], org.assertj.core.api.Assertions.within(1e-4 + 1e-4 * Math.abs(ya[i])));
            }
        }
    }
}
