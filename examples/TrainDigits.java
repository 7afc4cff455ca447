import io.ghostflow.nn.BatchNorm2d;
import io.ghostflow.nn.Conv2d;
import io.ghostflow.nn.Flatten;
import io.ghostflow.nn.Linear;
import io.ghostflow.nn.MaxPool2d;
import io.ghostflow.nn.ReLU;
import io.ghostflow.nn.Sequential;
import io.ghostflow.nn.data.CsvLoader;
import io.ghostflow.nn.data.Dataset;
import io.ghostflow.nn.export.OnnxExporter;
import io.ghostflow.nn.optim.Adam;
import io.ghostflow.nn.train.ConsoleProgress;
import io.ghostflow.nn.train.Trainer;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Build -> train -> export -> reload, on the 8x8 handwritten digits. Run from the repository root
 * (after `./ghostflow --help` has built the CLI once):
 *
 *   CP="ghostflow-cli/target/classes:$(echo ghostflow-cli/target/lib/*.jar | tr ' ' ':')"
 *   $JAVA_HOME/bin/java --add-modules jdk.incubator.vector -cp "$CP" examples/TrainDigits.java
 */
public class TrainDigits {
    public static void main(String[] args) {
        // 1. data: 64 pixels in 0..16 then the label; scale to 0..1, view as 1x8 images, split 80/20
        List<Dataset> split = CsvLoader.digits(Path.of("../shared/data/digits.csv.gz"))
                .scale(1f / 16).reshape(1, 8, 8).split(0.8, 42);
        Dataset train = split.get(0);
        Dataset test = split.get(1);

        // 2. model: seeded initialisation
        Sequential model = new Sequential(
                new Conv2d(1, 16, 3, 1, 1), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
                new Conv2d(16, 32, 3, 1, 1), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(32 * 2 * 2, 10));
        model.initialize(42).train();

        // 3. training: Adam, mini-batches of 32 shuffled with a seed, a progress bar per epoch
        int epochs = 12;
        Trainer trainer = new Trainer(model, new Adam(model, 3e-3f), 32, 42);
        ConsoleProgress progress = new ConsoleProgress(System.out, epochs);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            trainer.trainEpoch(train, epoch, progress);
        }
        System.out.printf("test accuracy (Java model): %.4f%n", Trainer.accuracy(model, test));

        // 4. export: a real ONNX file (opset 17, symbolic batch, BatchNormalization kept)
        Path file = OnnxExporter.export(model, Path.of("digits_cnn.onnx"), 1, 8, 8);

        // 5. reload it as any ONNX model, optimized, and classify the test set in one batch
        try (var session = InferenceSession.load(file, SessionOptions.defaults());
             var result = session.run(Map.of("input", Tensor.of(test.features(), test.size(), 1, 8, 8)))) {
            int[] predicted = Trainer.argmax(result.get("output"));
            int correct = 0;
            for (int i = 0; i < predicted.length; i++) {
                correct += predicted[i] == test.labels()[i] ? 1 : 0;
            }
            System.out.printf("test accuracy (reloaded %s): %.4f%n", file, (double) correct / predicted.length);
        }
    }
}
