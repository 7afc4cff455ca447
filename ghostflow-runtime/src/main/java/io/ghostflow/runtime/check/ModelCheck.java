package io.ghostflow.runtime.check;

import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.tensor.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a model folder ({@code model.onnx} + {@code test_data_set_*}) and compares every output
 * with the expected one. Errors become failed results, never exceptions, so one bad model does
 * not stop a batch.
 */
public final class ModelCheck {
    /** The outcome for one data set (or for the model, when it failed to load: set = "-"). */
    public record SetResult(Path modelDir, String set, boolean passed, double maxAbs, double maxRel, String reason) {
        public String line() {
            return passed ? String.format("PASS %s %s max_abs=%.3g max_rel=%.3g", modelDir, set, maxAbs, maxRel)
                    : "FAIL " + modelDir + " " + set + " " + reason;
        }
    }

    private ModelCheck() {
    }

    public static List<SetResult> check(Path modelDir, SessionOptions options, double rtol, double atol) {
        Path model = modelDir.resolve("model.onnx");
        List<SetResult> out = new ArrayList<>();
        List<Path> sets;
        try {
            sets = TestDataSet.find(modelDir);
        } catch (GhostFlowException e) {
            out.add(new SetResult(modelDir, "-", false, 0, 0, e.getMessage()));
            return out;
        }
        if (!Files.isRegularFile(model)) {
            out.add(new SetResult(modelDir, "-", false, 0, 0, "no model.onnx in " + modelDir));
            return out;
        }
        if (sets.isEmpty()) {
            out.add(new SetResult(modelDir, "-", false, 0, 0, "no test_data_set_* folder in " + modelDir));
            return out;
        }
        InferenceSession session;
        try {
            session = InferenceSession.load(model, options);
        } catch (RuntimeException | StackOverflowError e) {
            for (Path s : sets) {
                out.add(new SetResult(modelDir, s.getFileName().toString(), false, 0, 0, "load failed: " + message(e)));
            }
            return out;
        }
        try (session) {
            for (Path s : sets) {
                out.add(checkSet(session, modelDir, s, rtol, atol));
            }
        }
        return out;
    }

    static SetResult checkSet(InferenceSession session, Path modelDir, Path setDir, double rtol, double atol) {
        String set = setDir.getFileName().toString();
        try {
            var graph = session.model().graph();
            TestDataSet data = TestDataSet.read(setDir, graph.inputs(), graph.outputs());
            try (Result r = session.run(data.inputs())) {
                Comparison c = new Comparison(rtol, atol);
                for (Map.Entry<String, Value> e : data.outputs().entrySet()) {
                    c.compare(e.getKey(), e.getValue(), r.value(e.getKey()));
                }
                return new SetResult(modelDir, set, c.passed(), c.maxAbs(), c.maxRel(), c.failure());
            }
        } catch (RuntimeException | StackOverflowError e) {
            return new SetResult(modelDir, set, false, 0, 0, message(e));
        }
    }

    private static String message(Throwable e) {
        return e instanceof GhostFlowException ? e.getMessage() : e.toString();
    }
}
