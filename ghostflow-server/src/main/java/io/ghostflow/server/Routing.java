package io.ghostflow.server;

import io.ghostflow.server.endpoints.ApiKeyGuard;
import io.ghostflow.server.endpoints.InferEndpoint;
import io.ghostflow.server.endpoints.MetadataEndpoints;
import io.ghostflow.server.endpoints.MetricsEndpoint;
import io.ghostflow.server.endpoints.RepositoryEndpoints;
import io.ghostflow.server.endpoints.StatsEndpoints;
import io.ghostflow.server.http.Routes;
import io.ghostflow.server.repository.ModelManager;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.regex.Matcher;

/**
 * Every endpoint of the server, in one place (tests start a real server with exactly this table).
 * Open Inference Protocol V2 REST plus Triton's binary tensor data, model repository,
 * statistics and model configuration extensions, and Prometheus metrics.
 */
public final class Routing {
    private static final String M = "/v2/models/([^/]+)";
    private static final String V = "(?:/versions/([^/]+))?";

    private Routing() {
    }

    public static Routes routing(ModelManager models, ServerOptions options) {
        var meta = new MetadataEndpoints(models);
        var infer = new InferEndpoint(models);
        var repo = new RepositoryEndpoints(models);
        var stats = new StatsEndpoints(models);
        var metrics = new MetricsEndpoint(models);
        return new Routes()
                .guard(new ApiKeyGuard(options.apiKey()))
                // first: the hot path should not try every other pattern (no other route ends in /infer)
                .guardedPostAsync(M + V + "/infer", (r, m, offload) -> infer.infer(r, name(m), version(m), offload))
                .get("/v2/health/live", (r, m) -> meta.live())
                .get("/v2/health/ready", (r, m) -> meta.ready())
                .get("/v2/?", (r, m) -> meta.server())
                .get("/v2/models/stats", (r, m) -> stats.stats(null, null))
                .get(M + V + "/stats", (r, m) -> stats.stats(name(m), version(m)))
                .get(M + V + "/ready", (r, m) -> meta.modelReady(name(m), version(m)))
                .get(M + V + "/config", (r, m) -> meta.config(name(m), version(m)))
                .get(M + V, (r, m) -> meta.model(name(m), version(m)))
                .guardedPost("/v2/repository/index", (r, m) -> repo.index())
                .guardedPost("/v2/repository/models/([^/]+)/load", (r, m) -> repo.load(name(m)))
                .guardedPost("/v2/repository/models/([^/]+)/unload", (r, m) -> repo.unload(name(m)))
                .get("/metrics", (r, m) -> metrics.metrics());
    }

    private static String name(Matcher m) {
        return QueryStringDecoder.decodeComponent(m.group(1));
    }

    private static String version(Matcher m) {
        return m.groupCount() >= 2 && m.group(2) != null ? QueryStringDecoder.decodeComponent(m.group(2)) : null;
    }
}
