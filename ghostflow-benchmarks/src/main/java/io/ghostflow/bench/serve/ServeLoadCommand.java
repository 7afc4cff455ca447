package io.ghostflow.bench.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code ghostflow-bench serve-load}: hands its arguments to {@link ServeLoad}. */
@Command(name = "serve-load", description = "Load-test a local GhostFlow server (arguments: see ServeLoad: --models, --seconds, --concurrency, --modes, --batching).")
public final class ServeLoadCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        ServeLoad.main(args.toArray(new String[0]));
        return 0;
    }
}
