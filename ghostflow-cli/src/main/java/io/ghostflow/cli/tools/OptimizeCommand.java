package io.ghostflow.cli.tools;

import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.ModelLoader;
import io.ghostflow.runtime.graph.ModelWriter;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.optimize.GraphOptimizer;
import io.ghostflow.runtime.optimize.OptimizationReport;
import io.ghostflow.runtime.optimize.PassResult;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ghostflow optimize}: applies the graph optimizer and saves the result as ONNX. */
@Command(name = "optimize", description = "Optimize a model's graph and write it as ONNX (fused ops use domain io.ghostflow).")
public final class OptimizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "the .onnx file to read")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "the .onnx file to write")
    Path out;

    @Option(names = "--level", defaultValue = "all", description = "none, basic, extended or all (default ${DEFAULT-VALUE})")
    String level;

    @Option(names = "--dim", paramLabel = "NAME=N", description = "fix a symbolic dim, enabling shape folding (repeatable)")
    Map<String, Integer> dims = new HashMap<>();

    @Override
    public Integer call() {
        Model m = ModelLoader.load(in);
        SessionOptions opts = SessionOptions.defaults()
                .withOptimizationLevel(SessionOptions.OptimizationLevel.valueOf(level.toUpperCase(java.util.Locale.ROOT)))
                .withFreeDimensions(dims);
        OptimizationReport r = GraphOptimizer.optimizeWithReport(m, opts, OpRegistry.defaults());
        for (PassResult p : r.passes()) {
            System.out.printf("  %-34s %d%n", p.pass(), p.rewrites());
        }
        System.out.println("nodes: " + r.nodesBefore() + " -> " + r.nodesAfter());
        ModelWriter.write(r.model(), out);
        System.out.println("wrote " + out);
        return 0;
    }
}
