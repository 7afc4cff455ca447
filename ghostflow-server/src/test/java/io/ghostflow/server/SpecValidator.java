package io.ghostflow.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Validates response bodies against a component schema of the Open Inference Protocol OpenAPI
 * document in ../shared/specs (OpenAPI 3.0 schemas are a draft-4 subset).
 */
final class SpecValidator {
    static final Path SPEC = repoRoot().resolve("../shared/specs/open_inference_rest.yaml").normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode DOC;

    static {
        try {
            DOC = new ObjectMapper(new YAMLFactory()).readTree(SPEC.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SpecValidator() {
    }

    /** The repository root (the directory with .mvn/), wherever the tests run from. */
    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !java.nio.file.Files.isDirectory(p.resolve(".mvn"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("repository root (with .mvn/) not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** Validation messages of {@code body} against {@code #/components/schemas/<schema>} (empty: valid). */
    static Set<ValidationMessage> validate(String schema, String body) {
        if (!DOC.path("components").path("schemas").has(schema)) {
            throw new IllegalArgumentException("no schema " + schema + " in " + SPEC);
        }
        ObjectNode root = JSON.createObjectNode();
        root.set("components", DOC.get("components"));
        root.put("$ref", "#/components/schemas/" + schema);
        JsonSchema s = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(root);
        try {
            return s.validate(JSON.readTree(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
