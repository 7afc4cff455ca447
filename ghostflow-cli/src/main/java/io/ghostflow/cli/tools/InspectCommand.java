package io.ghostflow.cli.tools;

import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.ModelLoader;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.plan.MemoryPlan;
import io.ghostflow.runtime.plan.MemoryPlanner;
import io.ghostflow.runtime.plan.PlanRecorder;
import io.ghostflow.tensor.Tensor;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ghostflow inspect}: what a model is and what running it costs. */
@Command(name = "inspect", description = "Print a model's inputs, outputs, opsets, op histogram, parameters, FLOPs and planned memory.")
public final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "the .onnx file")
    Path model;

    @Option(names = "--batch", defaultValue = "1", description = "batch size for the FLOPs and memory estimate (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seq", defaultValue = "128", description = "value of other symbolic dims, e.g. sequence length (default ${DEFAULT-VALUE})")
    int seq;

    @Option(names = "--dim", paramLabel = "NAME=N", description = "fix a symbolic dim (repeatable)")
    Map<String, Integer> dims = new HashMap<>();

    @Option(names = "--no-run", description = "skip the placeholder run (no FLOPs or memory plan)")
    boolean noRun;

    @Override
    public Integer call() {
        Model m = ModelLoader.load(model);
        Graph g = m.graph();
        System.out.println("model: " + model + " (producer " + m.producerName() + " " + m.producerVersion() + ", IR " + m.irVersion() + ")");
        System.out.println("opsets: " + m.opsets());
        System.out.println("inputs:");
        g.requiredInputs().forEach(v -> System.out.println("  " + v));
        System.out.println("outputs:");
        g.outputs().forEach(v -> System.out.println("  " + v));
        Map<String, Integer> hist = new TreeMap<>();
        for (Node n : g.nodes()) {
            hist.merge((n.domain().isEmpty() ? "" : n.domain() + ".") + n.opType(), 1, Integer::sum);
        }
        System.out.println("nodes: " + g.nodes().size());
        hist.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> System.out.printf("  %-28s %d%n", e.getKey(), e.getValue()));
        Set<String> inputs = new HashSet<>();
        g.inputs().forEach(i -> inputs.add(i.name()));
        long params = 0, bytes = 0;
        for (var e : g.initializers().entrySet()) {
            params += e.getValue().size();
            bytes += e.getValue().byteSize();
        }
        System.out.printf("parameters: %,d (%s) in %d initializers%n", params, MemoryPlan.human(bytes), g.initializers().size());
        if (noRun) {
            return 0;
        }
        Map<String, Integer> free = DummyInputs.freeDims(g.requiredInputs(), batch, seq, dims);
        SessionOptions opts = SessionOptions.defaults().withFreeDimensions(free);
        try (InferenceSession s = InferenceSession.of(m, opts)) {
            Map<String, Tensor> feeds = DummyInputs.make(s.inputs(), batch, seq, free);
            FlopCounter flops = new FlopCounter();
            PlanRecorder rec = new PlanRecorder();
            try (Result r = s.run(feeds, null, (node, st, du, in, out) -> {
                flops.onNode(node, st, du, in, out);
                rec.onNode(node, st, du, in, out);
            })) {
                Set<String> outs = new HashSet<>();
                s.outputs().forEach((ValueInfo v) -> outs.add(v.name()));
                MemoryPlan plan = MemoryPlanner.plan(rec.steps(), outs);
                System.out.println("at batch " + batch + " with dims " + free + ":");
                System.out.println("  FLOPs: " + FlopCounter.human(flops.flops()) + " per run, "
                        + FlopCounter.human((double) flops.flops() / batch) + " per sample");
                System.out.println("  " + plan.summary());
            }
        } catch (RuntimeException e) {
            System.out.println("placeholder run failed, no FLOPs or memory plan: " + e.getMessage());
        }
        return 0;
    }
}
