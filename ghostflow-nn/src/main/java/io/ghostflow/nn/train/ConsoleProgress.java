package io.ghostflow.nn.train;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar per epoch, redrawn with '\r' as batches finish. */
public final class ConsoleProgress implements Trainer.Progress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final int epochs;

    public ConsoleProgress(PrintStream out, int epochs) {
        this.out = out;
        this.epochs = epochs;
    }

    @Override
    public void batch(int epoch, int batch, int batches, double meanLoss, double accuracy) {
        int filled = (int) ((long) WIDTH * batch / batches);
        out.print(String.format(Locale.ROOT, "\repoch %2d/%d [%s%s] %3d/%d loss %.4f acc %.4f", epoch, epochs,
                "=".repeat(filled), " ".repeat(WIDTH - filled), batch, batches, meanLoss, accuracy));
        out.flush();
    }

    @Override
    public void epochEnd(Trainer.EpochStats s) {
        out.println(String.format(Locale.ROOT, " (%d ms)", s.millis()));
    }
}
