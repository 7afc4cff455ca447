package io.ghostflow.nn;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.nn.data.CsvLoader;
import io.ghostflow.nn.data.Dataset;
import io.ghostflow.nn.export.GraphBuilder;
import io.ghostflow.nn.export.OnnxExporter;
import io.ghostflow.nn.optim.Sgd;
import io.ghostflow.nn.train.Trainer;
import io.ghostflow.tensor.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes a user can make get a GhostFlowException naming the layer, the line or the value. */
class BadInputTest {
    @TempDir
    Path tmp;

    @Test
    void shapeMismatchBetweenLayersNamesTheLayer() {
        Module m = new Sequential(new Linear(4, 8), new ReLU(), new Linear(6, 2)).initialize(1);
        assertThatThrownBy(() -> m.forward(OrtParityTest.randomInput(1, 3, 4)))
                .isInstanceOf(GhostFlowException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((GhostFlowException) e).code()).isEqualTo(ErrorCode.SHAPE_MISMATCH))
                .hasMessageContaining("layer '2' (Linear)")
                .hasMessageContaining("[N, 6]")
                .hasMessageContaining("[3, 8]");
    }

    @Test
    void convChannelMismatchNamesTheLayer() {
        Module m = new Sequential(new Conv2d(1, 4, 3), new Conv2d(3, 2, 3)).initialize(1);
        assertThatThrownBy(() -> m.forward(OrtParityTest.randomInput(1, 1, 1, 8, 8)))
                .isInstanceOf(GhostFlowException.class).hasMessageContaining("layer '1' (Conv2d)");
    }

    @Test
    void trainingAModelInEvalModeIsRefused() {
        Module m = new Sequential(new Linear(4, 2)).initialize(1);
        m.eval();
        Dataset d = new Dataset(new float[8], new int[] {0, 1}, new int[] {4}, 2);
        Trainer t = new Trainer(m, new Sgd(m, 0.1f), 2, 1);
        assertThatThrownBy(() -> t.trainEpoch(d, 1, Trainer.Progress.NONE))
                .isInstanceOf(GhostFlowException.class).hasMessageContaining("eval mode");
        assertThatThrownBy(() -> new Sgd(m, 0.1f).step())
                .isInstanceOf(GhostFlowException.class).hasMessageContaining("eval mode");
    }

    @Test
    void exportingAnUninitialisedModuleNamesTheLayer() {
        Module m = new Sequential(new ReLU(), new Linear(4, 2));
        assertThatThrownBy(() -> OnnxExporter.toProto(m, 4))
                .isInstanceOf(GhostFlowException.class)
                .hasMessageContaining("layer '1' (Linear) is not initialised");
    }

    @Test
    void forwardOnAnUninitialisedModuleIsRefused() {
        assertThatThrownBy(() -> new Linear(2, 2).forward(OrtParityTest.randomInput(1, 1, 2)))
                .isInstanceOf(GhostFlowException.class).hasMessageContaining("not initialised");
    }

    @Test
    void csvLabelOutOfRangeNamesTheLine() throws Exception {
        Path f = tmp.resolve("iris_bad.csv");
        Files.writeString(f, "150,4,setosa,versicolor,virginica\n5.1,3.5,1.4,0.2,0\n4.9,3.0,1.4,0.2,3\n");
        assertThatThrownBy(() -> CsvLoader.iris(f))
                .isInstanceOf(GhostFlowException.class)
                .hasMessageContaining("iris_bad.csv line 3")
                .hasMessageContaining("label 3 is out of range [0, 2]");
    }

    @Test
    void csvWrongColumnCountAndNonNumbersNameTheLine() throws Exception {
        Path f = tmp.resolve("short.csv");
        Files.writeString(f, "1,2,3,4,0\n1,2,3,1\n");
        assertThatThrownBy(() -> CsvLoader.load(f, 4, 3, false))
                .isInstanceOf(GhostFlowException.class).hasMessageContaining("short.csv line 2").hasMessageContaining("expected 5 columns");
        Path g = tmp.resolve("text.csv");
        Files.writeString(g, "1,x,3,4,0\n");
        assertThatThrownBy(() -> CsvLoader.load(g, 4, 3, false))
                .isInstanceOf(GhostFlowException.class).hasMessageContaining("text.csv line 1, column 2");
    }

    @Test
    void embeddingIdOutOfRangeNamesTheLayer() {
        Module m = new Sequential(new Embedding(3, 2)).initialize(1);
        assertThatThrownBy(() -> m.forward(io.ghostflow.tensor.Tensor.of(new float[] {0, 3}, 2)))
                .isInstanceOf(GhostFlowException.class).hasMessageContaining("layer '0' (Embedding)");
    }

    @Test
    void graphBuilderRefusesUndefinedInputs() {
        assertThatThrownBy(() -> GraphBuilder.create("g").input("x", DType.FLOAT, 1).node("Relu", List.of("nope"), "y", Map.of()))
                .isInstanceOf(GhostFlowException.class).hasMessageContaining("'nope'");
    }
}
