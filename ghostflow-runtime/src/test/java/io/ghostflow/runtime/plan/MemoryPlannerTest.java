package io.ghostflow.runtime.plan;

import io.ghostflow.runtime.FusedModels;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.SessionOptions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryPlannerTest {
    private static PlanRecorder.Step step(String op, List<String> in, String out, long bytes) {
        return new PlanRecorder.Step(op, in, List.of(out), new long[] {bytes});
    }

    @Test
    void chainReusesTwoBuffersAndRunsElementwiseInPlace() {
        // conv a -> relu b (in place) -> conv c -> relu d (in place) -> conv e: two live buffers at a time
        var steps = List.of(
                step("Conv", List.of("x"), "a", 1024),
                step("Relu", List.of("a"), "b", 1024),
                step("Conv", List.of("b"), "c", 1024),
                step("Relu", List.of("c"), "d", 1024),
                step("Conv", List.of("d"), "e", 1024));
        MemoryPlan p = MemoryPlanner.plan(steps, Set.of("e"));
        assertThat(p.noReuseBytes()).isEqualTo(5 * 1024);
        assertThat(p.inPlace()).isEqualTo(2);
        assertThat(p.plannedBytes()).isEqualTo(2 * 1024);
        assertThat(p.peakLiveBytes()).isEqualTo(2 * 1024);
        assertThat(p.savings()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void valuesReadLaterAreNotOverwrittenAndViewsShareTheirInput() {
        var steps = List.of(
                step("Conv", List.of("x"), "a", 1000),
                step("Relu", List.of("a"), "b", 1000),          // a still read by the Add: not in place
                step("Reshape", List.of("b", "shape"), "r", 1000), // a view of b
                step("Add", List.of("r", "a"), "y", 1000));     // r (= b) dies here: y overwrites it
        MemoryPlan p = MemoryPlanner.plan(steps, Set.of("y"));
        assertThat(p.aliases()).isEqualTo(1);
        assertThat(p.inPlace()).isEqualTo(1);
        assertThat(p.buffers()).isEqualTo(2);
        assertThat(p.noReuseBytes()).isEqualTo(3000);
        assertThat(p.plannedBytes()).isEqualTo(2 * 1024);
    }

    @Test
    void plansFromARealRun() {
        try (var s = InferenceSession.of(FusedModels.mlp(), SessionOptions.defaults().withOptimizationLevel(SessionOptions.OptimizationLevel.NONE))) {
            MemoryPlan p = MemoryPlanner.measure(s, Map.of("x", FusedModels.random(new Random(1), 8, 16)));
            // h, g [8,32] floats; z, n [8,8]; y is a view of n
            assertThat(p.noReuseBytes()).isEqualTo(2L * 8 * 32 * 4 + 2L * 8 * 8 * 4);
            assertThat(p.aliases()).isEqualTo(1);
            assertThat(p.plannedBytes()).isLessThan(p.noReuseBytes());
            assertThat(p.summary()).contains("planned peak");
        }
    }
}
