package io.ghostflow.cli;

import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.check.ModelCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ghostflow check}: runs model folders against their test data sets. The output format is
 * a contract that scripts rely on: one PASS/FAIL line per data set, then the summary line.
 */
@Command(name = "check", description = "Run DIR/model.onnx on DIR/test_data_set_* and compare with the expected outputs.")
final class CheckCommand implements Callable<Integer> {
    @Option(names = "--rtol", defaultValue = "1e-3", description = "relative tolerance (default ${DEFAULT-VALUE})")
    double rtol;

    @Option(names = "--atol", defaultValue = "1e-4", description = "absolute tolerance (default ${DEFAULT-VALUE})")
    double atol;

    @Option(names = "--no-optimize", description = "run the graph as written (optimization level NONE)")
    boolean noOptimize;

    @Option(names = "--threads", description = "intra-op threads (default: all cores)")
    Integer threads;

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "model folders")
    List<Path> dirs;

    @Override
    public Integer call() {
        SessionOptions opts = SessionOptions.defaults();
        if (noOptimize) {
            opts = opts.withOptimizationLevel(SessionOptions.OptimizationLevel.NONE);
        }
        if (threads != null) {
            opts = opts.withIntraOpThreads(threads);
        }
        int passed = 0;
        int failed = 0;
        for (Path dir : dirs) {
            for (ModelCheck.SetResult r : ModelCheck.check(dir, opts, rtol, atol)) {
                System.out.println(r.line());
                if (r.passed()) {
                    passed++;
                } else {
                    failed++;
                }
            }
        }
        System.out.println("checked " + (passed + failed) + " sets: " + passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }
}
