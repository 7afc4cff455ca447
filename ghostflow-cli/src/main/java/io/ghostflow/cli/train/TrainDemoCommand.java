package io.ghostflow.cli.train;

import io.ghostflow.nn.Sequential;
import io.ghostflow.nn.data.CsvLoader;
import io.ghostflow.nn.data.Dataset;
import io.ghostflow.nn.export.OnnxExporter;
import io.ghostflow.nn.optim.Adam;
import io.ghostflow.nn.train.ConsoleProgress;
import io.ghostflow.nn.train.DemoModels;
import io.ghostflow.nn.train.Trainer;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ghostflow train-demo}: the whole build -> train -> export -> reload workflow on the
 * 8x8 digits. The last line, alone, is {@code test_accuracy=<a>}: scripts read it.
 */
@Command(name = "train-demo", description = "Train a digit classifier in Java, export it to ONNX, reload it optimized and check it.")
public final class TrainDemoCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "mlp", description = "mlp or cnn (default ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--epochs", description = "training epochs (default: 30 for mlp, 12 for cnn)")
    Integer epochs;

    @Option(names = "--out", description = "ONNX file to write (default: <model>_digits.onnx)")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "seed of the split, the initialisation and the shuffles (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--data", defaultValue = "../shared/data/digits.csv.gz", description = "digits CSV (default ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--with-test-data", description = "also write test_data_set_0 (a test batch and its expected output) beside the model")
    boolean withTestData;

    @Option(names = "--batch-size", defaultValue = "32", description = "mini-batch size (default ${DEFAULT-VALUE})")
    int batchSize;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        Sequential net = DemoModels.byName(model);
        int[] sample = DemoModels.sampleShape(model);
        int e = epochs != null ? epochs : model.equals("cnn") ? 12 : 30;
        Path file = out != null ? out : Path.of(model + "_digits.onnx");

        List<Dataset> split = CsvLoader.digits(data).scale(1f / 16).reshape(sample).split(0.8, seed);
        Dataset train = split.get(0);
        Dataset test = split.get(1);
        System.out.printf(Locale.ROOT, "%s on %s: %d training, %d test samples%n", net, data, train.size(), test.size());

        net.initialize(seed).train();
        Trainer trainer = new Trainer(net, new Adam(net, model.equals("cnn") ? 3e-3f : 2e-3f), batchSize, seed);
        ConsoleProgress progress = new ConsoleProgress(System.out, e);
        for (int epoch = 1; epoch <= e; epoch++) {
            trainer.trainEpoch(train, epoch, progress);
        }
        long trained = System.nanoTime();
        double accuracy = Trainer.accuracy(net, test);

        if (withTestData) {
            OnnxExporter.exportWithTestData(net, file, Tensor.of(test.features(), Shapes.concat(new int[] {test.size()}, sample)));
        } else {
            OnnxExporter.export(net, file, sample);
        }
        double reloaded = reloadedAccuracy(file, test, sample);
        long done = System.nanoTime();
        System.out.printf(Locale.ROOT, "trained in %.1f s, exported %s, reloaded with optimization ALL: accuracy %.4f (total %.1f s)%n",
                (trained - t0) / 1e9, file, reloaded, (done - t0) / 1e9);
        if (reloaded != accuracy) {
            System.err.printf(Locale.ROOT, "error: the reloaded model's accuracy %.4f differs from the trained model's %.4f%n", reloaded, accuracy);
            return 1;
        }
        System.out.printf(Locale.ROOT, "test_accuracy=%.4f%n", accuracy);
        return 0;
    }

    /** Runs the exported file through a fresh optimized session, the way a server would load it. */
    static double reloadedAccuracy(Path file, Dataset test, int[] sample) {
        try (InferenceSession session = InferenceSession.load(file, SessionOptions.defaults().withOptimizationLevel(SessionOptions.OptimizationLevel.ALL));
             Result r = session.run(Map.of(OnnxExporter.INPUT, Tensor.of(test.features(), Shapes.concat(new int[] {test.size()}, sample))))) {
            int[] pred = Trainer.argmax(r.get(OnnxExporter.OUTPUT));
            int correct = 0;
            for (int i = 0; i < pred.length; i++) {
                correct += pred[i] == test.labels()[i] ? 1 : 0;
            }
            return (double) correct / pred.length;
        }
    }
}
