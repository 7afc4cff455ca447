package io.ghostflow.nn;

import java.nio.file.Files;
import java.nio.file.Path;

/** ../shared relative to the repository root, whether tests run from the root or the module folder. */
final class SharedData {
    private SharedData() {
    }

    static Path path(String relative) {
        Path fromModule = Path.of("../../shared").resolve(relative);
        return Files.exists(fromModule) ? fromModule : Path.of("../shared").resolve(relative);
    }
}
