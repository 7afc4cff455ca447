package io.ghostflow.server.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** An HTTP response: status, content type, body bytes and extra headers. */
public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    public static final String JSON = "application/json";

    public static Response json(int status, byte[] body) {
        return new Response(status, JSON, body, Map.of());
    }

    public static Response json(int status, String body) {
        return json(status, body.getBytes(StandardCharsets.UTF_8));
    }

    public static Response empty(int status) {
        return new Response(status, null, new byte[0], Map.of());
    }

    /** {@code {"error": "<message>"}}, the protocol's error object. */
    public static Response error(int status, String message) {
        return json(status, "{\"error\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(message == null ? "error" : message))
                + "\"}");
    }

    public static Response text(int status, String contentType, String body) {
        return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }
}
