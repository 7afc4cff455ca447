package io.ghostflow.runtime.profile;

import io.ghostflow.runtime.FusedModels;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.runtime.SessionOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ChromeTraceProfilerTest {
    @Test
    void traceHasOneCompleteEventPerExecutedNodePerRun(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("trace.json");
        var opts = SessionOptions.defaults().withOptimizationLevel(SessionOptions.OptimizationLevel.NONE).withProfileFile(trace);
        int runs = 3;
        int nodes;
        try (InferenceSession s = InferenceSession.of(FusedModels.mlp(), opts)) {
            nodes = s.model().graph().nodes().size();
            for (int i = 0; i < runs; i++) {
                try (Result r = s.run(Map.of("x", FusedModels.random(new Random(i), 2 + i, 16)))) {
                    assertThat(r.get("y").shape()).containsExactly(2 + i, 8);
                }
            }
        }
        Object parsed = MiniJson.parse(Files.readString(trace));
        assertThat(parsed).isInstanceOf(List.class);
        List<?> events = (List<?>) parsed;
        assertThat(events).hasSize(nodes * runs);
        Map<String, Integer> perNode = new HashMap<>();
        double lastTs = -1;
        for (Object o : events) {
            Map<?, ?> e = (Map<?, ?>) o;
            assertThat(e.get("ph")).isEqualTo("X");
            assertThat(e.get("name")).isInstanceOf(String.class);
            assertThat(e.get("ts")).isInstanceOf(Double.class);
            assertThat((Double) e.get("dur")).isGreaterThanOrEqualTo(0.0);
            assertThat(e.get("pid")).isInstanceOf(Double.class);
            assertThat(e.get("tid")).isInstanceOf(Double.class);
            Map<?, ?> args = (Map<?, ?>) e.get("args");
            assertThat(args.get("op_type")).isInstanceOf(String.class);
            assertThat(args.get("input_shapes")).isInstanceOf(List.class);
            assertThat(((List<?>) args.get("output_shapes")).get(0)).isInstanceOf(List.class);
            assertThat((Double) e.get("ts")).isGreaterThanOrEqualTo(lastTs);
            lastTs = (Double) e.get("ts");
            perNode.merge((String) e.get("name"), 1, Integer::sum);
        }
        assertThat(perNode).hasSize(nodes);
        assertThat(perNode.values()).allMatch(c -> c == runs);
        Map<?, ?> first = (Map<?, ?>) events.get(0);
        @SuppressWarnings("unchecked") List<Object> firstOut = (List<Object>) ((List<?>) ((Map<?, ?>) first.get("args")).get("output_shapes")).get(0);
        assertThat(firstOut).containsExactly((Object) 2.0, (Object) 32.0);
    }

    @Test
    void quotesNamesForJson() {
        assertThat(ChromeTraceProfiler.quote("a\"b\\c\n")).isEqualTo("\"a\\\"b\\\\c\\n\"");
    }
}
