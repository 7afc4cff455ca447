package io.ghostflow.runtime.conformance;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.TestPaths;
import io.ghostflow.runtime.check.ModelCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The ONNX backend test suite, run from ../shared/onnx-tests at optimization levels NONE and
 * ALL. Tests in conformance/allowlist.txt must pass; others run and are reported (skipped when
 * they fail). With {@code -Dconformance.update=true}, tests that pass at both levels are added
 * to the allow-list.
 */
class ConformanceTest {
    static final List<String> SUITES = List.of("node", "simple", "pytorch-converted", "pytorch-operator");
    static final double RTOL = 1e-3;
    static final double ATOL = 1e-7;

    /** id -> levels at which it passed. */
    private static final Map<String, Set<OptimizationLevel>> PASSED = new ConcurrentHashMap<>();
    private static final Map<String, String> FAILED = new ConcurrentHashMap<>();
    private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

    static Path allowListFile() {
        return TestPaths.repoRoot().resolve("conformance/allowlist.txt");
    }

    @TestFactory
    Stream<DynamicNode> backendTests() throws IOException {
        AllowList allow = AllowList.read(allowListFile());
        String only = System.getProperty("conformance.only", "");
        List<DynamicNode> levels = new ArrayList<>();
        for (OptimizationLevel level : List.of(OptimizationLevel.NONE, OptimizationLevel.ALL)) {
            SessionOptions opts = SessionOptions.defaults().withOptimizationLevel(level).withIntraOpThreads(1);
            List<DynamicNode> suites = new ArrayList<>();
            for (String suite : SUITES) {
                Path dir = TestPaths.onnxTests().resolve(suite);
                List<DynamicNode> tests = new ArrayList<>();
                try (Stream<Path> s = Files.list(dir)) {
                    for (Path t : s.filter(Files::isDirectory).sorted().toList()) {
                        String id = suite + "/" + t.getFileName();
                        if (!only.isEmpty() && !id.contains(only)) {
                            continue;
                        }
                        tests.add(DynamicTest.dynamicTest(t.getFileName().toString(), () -> runOne(id, t, level, opts, allow)));
                    }
                }
                suites.add(DynamicContainer.dynamicContainer(suite, tests));
            }
            suites.add(DynamicContainer.dynamicContainer("light", LightModels.tests(level, opts, allow, PASSED, FAILED, SEEN)));
            levels.add(DynamicContainer.dynamicContainer("opt=" + level, suites));
        }
        return levels.stream();
    }

    private static void runOne(String id, Path dir, OptimizationLevel level, SessionOptions opts, AllowList allow) {
        SEEN.add(id);
        AllowList.Entry entry = allow.entries().get(id);
        double rtol = entry != null && entry.rtol() != null ? entry.rtol() : RTOL;
        double atol = entry != null && entry.atol() != null ? entry.atol() : ATOL;
        List<ModelCheck.SetResult> results = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> ModelCheck.check(dir, opts, rtol, atol), id + " did not finish in 60 s");
        String failure = results.stream().filter(r -> !r.passed()).map(ModelCheck.SetResult::reason).findFirst().orElse(null);
        if (failure == null) {
            PASSED.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(level);
            return;
        }
        FAILED.put(id + " @" + level, failure);
        if (entry != null) {
            fail(id + " is in the allow-list but failed at level " + level + ": " + failure);
        }
        Assumptions.abort("not in the allow-list; fails with: " + failure);
    }

    @AfterAll
    static void report() throws IOException {
        Map<String, int[]> perSuite = new TreeMap<>();
        for (String id : SEEN) {
            String suite = id.substring(0, id.indexOf('/'));
            int[] c = perSuite.computeIfAbsent(suite, k -> new int[2]);
            c[1]++;
            Set<OptimizationLevel> lv = PASSED.get(id);
            if (lv != null && lv.size() == 2) {
                c[0]++;
            }
        }
        StringBuilder sb = new StringBuilder("Conformance (passing at both NONE and ALL / total):\n");
        int pass = 0;
        int total = 0;
        for (var e : perSuite.entrySet()) {
            sb.append(String.format("  %-18s %5d / %5d%n", e.getKey(), e.getValue()[0], e.getValue()[1]));
            pass += e.getValue()[0];
            total += e.getValue()[1];
        }
        sb.append(String.format("  %-18s %5d / %5d%n", "total", pass, total));
        System.out.println(sb);
        Path target = TestPaths.repoRoot().resolve("ghostflow-runtime/target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("conformance-report.txt"), sb);
        List<String> failures = new ArrayList<>();
        new TreeMap<>(FAILED).forEach((k, v) -> failures.add(k + "\t" + v.replace('\n', ' ')));
        Files.write(target.resolve("conformance-failures.tsv"), failures);
        if (Boolean.getBoolean("conformance.update")) {
            List<String> both = PASSED.entrySet().stream().filter(e -> e.getValue().size() == 2).map(Map.Entry::getKey).toList();
            AllowList.append(allowListFile(), both);
            Set<String> nodeTests = new java.util.TreeSet<>();
            SEEN.stream().filter(id -> id.startsWith("node/")).forEach(nodeTests::add);
            if (nodeTests.size() > 1000) { // only a full run may rewrite the README table
                OpTable.writeReadme(TestPaths.onnxTests().resolve("MANIFEST.tsv"), TestPaths.repoRoot().resolve("README.md"),
                        nodeTests, new java.util.HashSet<>(both));
            }
        }
    }
}
