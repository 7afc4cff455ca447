package io.ghostflow.bench.fusion;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ghostflow-bench fusion}: each fusion against the same graph unfused (see {@link FusionBench}). */
@Command(name = "fusion", description = "Speedup of each graph fusion against the same graph unfused, on layer shapes of ResNet-18 and BERT-base.")
public final class FusionCommand implements Callable<Integer> {
    @Option(names = "--threads", description = "intra-op threads (default: all cores)")
    Integer threads;

    @Option(names = "--runs", defaultValue = "15", description = "timed runs per variant (default ${DEFAULT-VALUE})")
    int runs;

    @Override
    public Integer call() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        FusionBench.main(new String[] {Integer.toString(t), Integer.toString(runs)});
        return 0;
    }
}
