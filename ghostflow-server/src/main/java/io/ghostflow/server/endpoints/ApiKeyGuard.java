package io.ghostflow.server.endpoints;

import io.ghostflow.server.http.Request;
import io.ghostflow.server.http.Response;
import io.ghostflow.server.http.Routes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/** Checks {@code Authorization: Bearer KEY} or {@code X-API-Key: KEY} when the server has a key. */
public final class ApiKeyGuard implements Routes.Guard {
    private final byte[] key;

    public ApiKeyGuard(String key) {
        this.key = key == null || key.isEmpty() ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Response check(Request r) {
        if (key == null) {
            return null;
        }
        String given = r.header("X-API-Key");
        String auth = r.header("Authorization");
        if (given == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = auth.substring(7).trim();
        }
        // constant-time comparison: the key must not leak through timing
        if (given != null && MessageDigest.isEqual(key, given.getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        Response e = Response.error(401, given == null ? "missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"
                : "invalid API key");
        return new Response(e.status(), e.contentType(), e.body(), Map.of("WWW-Authenticate", "Bearer"));
    }
}
