package io.ghostflow.runtime;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository root and ../shared from wherever the tests run. */
public final class TestPaths {
    private TestPaths() {
    }

    public static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve(".mvn"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("repository root (with .mvn/) not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    public static Path shared() {
        return repoRoot().resolve("../shared").normalize();
    }

    public static Path models() {
        return shared().resolve("models");
    }

    public static Path onnxTests() {
        return shared().resolve("onnx-tests");
    }
}
