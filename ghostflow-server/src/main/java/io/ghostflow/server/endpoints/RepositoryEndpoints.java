package io.ghostflow.server.endpoints;

import io.ghostflow.server.http.Response;
import io.ghostflow.server.repository.ModelManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Triton's model repository extension: index, load, unload. */
public final class RepositoryEndpoints {
    private final ModelManager models;

    public RepositoryEndpoints(ModelManager models) {
        this.models = models;
    }

    public Response index() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (var e : models.index()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", e.name());
            if (e.version() != null) {
                row.put("version", e.version());
            }
            row.put("state", e.state());
            row.put("reason", e.reason());
            rows.add(row);
        }
        return Json.ok(rows);
    }

    public Response load(String name) {
        models.load(name);
        return Response.json(200, "{}");
    }

    public Response unload(String name) {
        models.unload(name);
        return Response.json(200, "{}");
    }
}
