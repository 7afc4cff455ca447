package io.ghostflow.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.nn.autograd.Losses;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.data.CsvLoader;
import io.ghostflow.nn.data.Dataset;
import io.ghostflow.nn.optim.Adam;
import io.ghostflow.nn.optim.Sgd;
import io.ghostflow.nn.train.DemoModels;
import io.ghostflow.nn.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Training converges on the real data sets in ../shared/data. */
class TrainingTest {
    @Test
    void datasetsLoad() {
        Dataset digits = CsvLoader.digits(SharedData.path("data/digits.csv.gz"));
        assertThat(digits.size()).isEqualTo(1797);
        assertThat(digits.labels()).containsOnly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        Dataset iris = CsvLoader.iris(SharedData.path("data/iris.csv"));
        assertThat(iris.size()).isEqualTo(150);
        assertThat(iris.features()[0]).isEqualTo(5.1f);
    }

    @Test
    void splitIsSeededAndDisjoint() {
        Dataset iris = CsvLoader.iris(SharedData.path("data/iris.csv"));
        List<Dataset> a = iris.split(0.8, 1);
        List<Dataset> b = iris.split(0.8, 1);
        assertThat(a.get(0).size()).isEqualTo(120);
        assertThat(a.get(1).size()).isEqualTo(30);
        assertThat(a.get(0).features()).containsExactly(b.get(0).features());
        assertThat(iris.split(0.8, 2).get(0).features()).isNotEqualTo(a.get(0).features());
    }

    @Test
    void sgdWithMomentumLearnsIris() {
        List<Dataset> split = CsvLoader.iris(SharedData.path("data/iris.csv")).scale(0.25f).split(0.8, 3);
        Module m = new Sequential(new Linear(4, 16, Init.XAVIER), new Tanh(), new Linear(16, 3, Init.XAVIER)).initialize(4);
        Trainer t = new Trainer(m, new Sgd(m, 0.1f, 0.9f, 1e-4f), 16, 5);
        for (int e = 1; e <= 60; e++) {
            t.trainEpoch(split.get(0), e, Trainer.Progress.NONE);
        }
        assertThat(Trainer.accuracy(m, split.get(1))).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void adamFitsARegressionWithMse() {
        // y = 2x - 1 on a grid: Adam must drive the MSE close to 0
        float[] x = new float[20];
        float[] y = new float[20];
        for (int i = 0; i < 20; i++) {
            x[i] = i / 10f - 1;
            y[i] = 2 * x[i] - 1;
        }
        Module m = new Linear(1, 1).initialize(1);
        Adam opt = new Adam(m, 0.05f);
        float loss = 0;
        for (int step = 0; step < 400; step++) {
            opt.zeroGrad();
            Var l = Losses.mse(m.forward(Var.constant(x, 20, 1)), y);
            l.backward();
            opt.step();
            loss = l.data()[0];
        }
        assertThat(loss).isLessThan(1e-3f);
    }

    @Test
    void mlpReachesTheDemoTargetOnDigits() {
        // the train-demo recipe: 80/20 split, seed 42, Adam 2e-3, batch 32, 30 epochs (~5 s)
        List<Dataset> split = CsvLoader.digits(SharedData.path("data/digits.csv.gz")).scale(1f / 16).split(0.8, 42);
        Module m = DemoModels.mlp().initialize(42).train();
        Trainer t = new Trainer(m, new Adam(m, 2e-3f), 32, 42);
        for (int e = 1; e <= 30; e++) {
            t.trainEpoch(split.get(0), e, Trainer.Progress.NONE);
        }
        assertThat(Trainer.accuracy(m, split.get(1))).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void evalModeFreezesBatchNormStatistics() {
        BatchNorm2d bn = new BatchNorm2d(2);
        bn.initialize(1).eval();
        bn.forward(OrtParityTest.randomInput(1, 4, 2, 3, 3));
        assertThat(bn.buffer("running_mean").data()).containsExactly(0f, 0f);
        bn.train();
        bn.forward(OrtParityTest.randomInput(1, 4, 2, 3, 3));
        assertThat(bn.buffer("running_mean").data()).isNotEqualTo(new float[] {0f, 0f});
    }
}
