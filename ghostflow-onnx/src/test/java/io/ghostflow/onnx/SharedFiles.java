package io.ghostflow.onnx;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared models and the ONNX test suite live (read in place, never copied). */
final class SharedFiles {
    private SharedFiles() {
    }

    /** ../shared from the repository root; Maven runs tests in the module directory. */
    static Path shared() {
        Path fromModule = Path.of("..", "..", "shared");
        return Files.isDirectory(fromModule) ? fromModule : Path.of("..", "shared");
    }

    static Path model(String name) {
        return shared().resolve("models").resolve(name).resolve("model.onnx");
    }

    static Path onnxTests() {
        return shared().resolve("onnx-tests");
    }
}
