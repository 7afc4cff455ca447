package io.ghostflow.nn.train;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.nn.Module;
import io.ghostflow.nn.autograd.Losses;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.data.Dataset;
import io.ghostflow.nn.optim.Optimizer;
import io.ghostflow.tensor.Tensor;
import java.util.SplittableRandom;

/** Mini-batch training of a classifier with softmax cross-entropy, and its evaluation. */
public final class Trainer {
    /** The outcome of one epoch: mean training loss and accuracy over its batches. */
    public record EpochStats(int epoch, double loss, double accuracy, long millis) {
    }

    /** Told about every batch (for progress bars) and every finished epoch. */
    public interface Progress {
        void batch(int epoch, int batch, int batches, double meanLoss, double accuracy);

        void epochEnd(EpochStats stats);

        Progress NONE = new Progress() {
            @Override
            public void batch(int epoch, int batch, int batches, double meanLoss, double accuracy) {
            }

            @Override
            public void epochEnd(EpochStats stats) {
            }
        };
    }

    private final Module model;
    private final Optimizer optimizer;
    private final int batchSize;
    private final SplittableRandom shuffle;

    public Trainer(Module model, Optimizer optimizer, int batchSize, long seed) {
        this.model = model;
        this.optimizer = optimizer;
        this.batchSize = batchSize;
        this.shuffle = new SplittableRandom(seed);
    }

    /** One pass over {@code train} in a freshly shuffled order. */
    public EpochStats trainEpoch(Dataset train, int epoch, Progress progress) {
        if (!model.isTraining()) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, model.label() + " is in eval mode: call train() before training it");
        }
        long t0 = System.nanoTime();
        int batches = train.batchCount(batchSize);
        double lossSum = 0;
        int correct = 0;
        int seen = 0;
        int b = 0;
        for (Dataset.Batch batch : train.batches(batchSize, shuffle.split())) {
            optimizer.zeroGrad();
            Var logits = model.forward(Var.constant(batch.x(), batch.shape()));
            Var loss = Losses.crossEntropy(logits, batch.y());
            loss.backward();
            optimizer.step();
            lossSum += loss.data()[0] * batch.y().length;
            correct += countCorrect(logits.data(), logits.dim(1), batch.y());
            seen += batch.y().length;
            progress.batch(epoch, ++b, batches, lossSum / seen, (double) correct / seen);
        }
        EpochStats stats = new EpochStats(epoch, lossSum / seen, (double) correct / seen, (System.nanoTime() - t0) / 1_000_000);
        progress.epochEnd(stats);
        return stats;
    }

    /** Fraction of {@code data} the model classifies correctly, in eval mode (its mode is restored). */
    public static double accuracy(Module model, Dataset data) {
        int[] pred = predict(model, data);
        int correct = 0;
        for (int i = 0; i < pred.length; i++) {
            correct += pred[i] == data.labels()[i] ? 1 : 0;
        }
        return (double) correct / pred.length;
    }

    /** Arg-max class per sample, in eval mode. */
    public static int[] predict(Module model, Dataset data) {
        boolean wasTraining = model.isTraining();
        model.eval();
        try {
            int[] out = new int[data.size()];
            int i = 0;
            for (Dataset.Batch batch : data.batches(256, null)) {
                Var logits = model.forward(Var.constant(batch.x(), batch.shape()));
                for (int p : argmax(logits.data(), logits.dim(1))) {
                    out[i++] = p;
                }
            }
            return out;
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
    }

    /** Arg-max of each row of a [N, C] score matrix. */
    public static int[] argmax(float[] scores, int classes) {
        int[] out = new int[scores.length / classes];
        for (int r = 0; r < out.length; r++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (scores[r * classes + c] > scores[r * classes + best]) {
                    best = c;
                }
            }
            out[r] = best;
        }
        return out;
    }

    public static int[] argmax(Tensor scores) {
        return argmax(scores.floats(), scores.dim(-1));
    }

    private static int countCorrect(float[] logits, int classes, int[] labels) {
        int[] p = argmax(logits, classes);
        int c = 0;
        for (int i = 0; i < p.length; i++) {
            c += p[i] == labels[i] ? 1 : 0;
        }
        return c;
    }
}
