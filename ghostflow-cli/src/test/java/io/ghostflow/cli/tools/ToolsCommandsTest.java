package io.ghostflow.cli.tools;

import io.ghostflow.cli.GhostFlowCli;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.ModelLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ToolsCommandsTest {
    private static Path model(String name) {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve(".mvn"))) {
            p = p.getParent();
        }
        assumeTrue(p != null, "repository root not found");
        Path file = p.resolve("../shared/models").resolve(name).resolve("model.onnx").normalize();
        assumeTrue(Files.isRegularFile(file), "model not present: " + file);
        return file;
    }

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            assertThat(GhostFlowCli.execute(args)).as("exit code of " + String.join(" ", args)).isZero();
        } finally {
            System.setOut(old);
        }
        return buf.toString();
    }

    @Test
    void optimizeReportsPassesAndWritesALoadableModel(@TempDir Path dir) {
        Path out = dir.resolve("lenet.opt.onnx");
        String text = run("optimize", model("lenet_bn").toString(), out.toString(), "--level", "all");
        assertThat(text).contains("conv-batchnorm-folding", "conv-activation-fusion", "nodes: 15 -> ");
        Model m = ModelLoader.load(out);
        assertThat(m.graph().nodes()).noneMatch(n -> n.opType().equals("BatchNormalization"));
        assertThat(m.opsets()).containsEntry("io.ghostflow", 1);
    }

    @Test
    void inspectPrintsSignatureHistogramAndParameters() {
        String text = run("inspect", model("bert_tiny_hf").toString(), "--no-run");
        assertThat(text).contains("input_ids: tensor(int64)[batch,seq]", "opsets: {=17}", "MatMul", "parameters: 1,451,008");
    }
}
