package io.ghostflow.cli;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.OnnxFiles;
import io.ghostflow.onnx.TensorProtos;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ghostflow run}: runs a model once on inputs read from TensorProto files and previews the outputs. */
@Command(name = "run", description = "Run a model on inputs given as TensorProto (.pb) files and print the outputs.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "the .onnx file")
    Path model;

    @Option(names = "--input", paramLabel = "NAME=FILE.pb", description = "an input (repeatable); NAME may be omitted for a single-input model")
    List<String> inputs = List.of();

    @Option(names = "--threads", description = "intra-op threads (default: all cores)")
    Integer threads;

    @Option(names = "--preview", defaultValue = "8", description = "values shown per output (default ${DEFAULT-VALUE})")
    int preview;

    @Override
    public Integer call() {
        SessionOptions opts = SessionOptions.defaults();
        if (threads != null) {
            opts = opts.withIntraOpThreads(threads);
        }
        try (InferenceSession session = InferenceSession.load(model, opts)) {
            Map<String, Value> feeds = new LinkedHashMap<>();
            for (String spec : inputs) {
                int eq = spec.indexOf('=');
                String name;
                Path file;
                if (eq < 0) {
                    if (session.inputs().size() != 1) {
                        throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "--input " + spec + ": name the input, the model has "
                                + session.inputs().stream().map(ValueInfo::name).toList());
                    }
                    name = session.inputs().get(0).name();
                    file = Path.of(spec);
                } else {
                    name = spec.substring(0, eq);
                    file = Path.of(spec.substring(eq + 1));
                }
                feeds.put(name, TensorProtos.toTensor(OnnxFiles.readTensor(file), file.toAbsolutePath().getParent()));
            }
            long start = System.nanoTime();
            try (Result r = session.run(feeds)) {
                double ms = (System.nanoTime() - start) / 1e6;
                for (String name : r.names()) {
                    Value v = r.value(name);
                    System.out.println(name + ": " + (v instanceof Tensor t ? preview(t) : v.toString()));
                }
                System.out.printf("ran in %.3f ms%n", ms);
            }
        }
        return 0;
    }

    private String preview(Tensor t) {
        StringBuilder sb = new StringBuilder(t.dtype().onnxName()).append(java.util.Arrays.toString(t.shape())).append(" [");
        int n = Math.min(preview, t.size());
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(t.dtype() == io.ghostflow.tensor.DType.STRING ? t.strings()[i]
                    : t.dtype().isFloatingPoint() ? String.format("%.6g", t.getDouble(i)) : Long.toString(t.getLong(i)));
        }
        return sb.append(t.size() > n ? ", ...]" : "]").toString();
    }
}
