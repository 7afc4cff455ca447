package io.ghostflow.cli.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.cli.GhostFlowCli;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.check.ModelCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train-demo contract: exit 0, the last line alone is test_accuracy=<a>, the export checks out. */
class TrainDemoCommandTest {
    @TempDir
    Path tmp;

    private static Path digits() {
        Path fromModule = Path.of("../../shared/data/digits.csv.gz");
        return Files.exists(fromModule) ? fromModule : Path.of("../shared/data/digits.csv.gz");
    }

    private String run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = GhostFlowCli.execute(args);
            assertThat(code).as(buf.toString(StandardCharsets.UTF_8)).isZero();
        } finally {
            System.setOut(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shortMlpRunExportsACheckableModelAndEndsWithTheAccuracyLine() {
        Path out = tmp.resolve("model.onnx");
        String text = run("train-demo", "--model", "mlp", "--epochs", "5", "--data", digits().toString(),
                "--out", out.toString(), "--with-test-data", "--seed", "1");
        String[] lines = text.strip().split("\\R");
        String last = lines[lines.length - 1];
        assertThat(last).matches("test_accuracy=0\\.\\d{4}");
        assertThat(Double.parseDouble(last.substring(last.indexOf('=') + 1))).isGreaterThan(0.8);
        assertThat(text).contains("epoch  5/5 [").contains("reloaded with optimization ALL");
        var results = ModelCheck.check(tmp, SessionOptions.defaults(), 1e-4, 1e-5);
        assertThat(results).allSatisfy(r -> assertThat(r.passed()).as(r.line()).isTrue());
    }

    @Test
    void unknownModelIsAnError() {
        assertThat(GhostFlowCli.execute("train-demo", "--model", "rnn", "--data", digits().toString())).isEqualTo(2);
    }
}
