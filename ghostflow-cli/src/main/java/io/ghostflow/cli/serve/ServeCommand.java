package io.ghostflow.cli.serve;

import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.server.GhostFlowServer;
import io.ghostflow.server.ServerOptions;
import io.ghostflow.server.demo.DemoModel;
import io.ghostflow.server.repository.ModelManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ghostflow serve}: the KServe Open Inference Protocol (V2) server. Loads the repository
 * (or the built-in demo model), binds only then, and on SIGTERM/SIGINT stops accepting, lets
 * in-flight requests finish within the drain timeout, and exits 0.
 */
@Command(name = "serve", description = "Serve models over the KServe Open Inference Protocol (V2) REST API.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model-repository", paramLabel = "DIR",
            description = "DIR/<model>/<version>/model.onnx (+ DIR/<model>/config.json|yaml); without it a built-in demo model is served")
    Path repository;

    @Option(names = "--http-port", defaultValue = "8080", description = "port (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "interface to bind (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--api-key", paramLabel = "KEY", description = "require 'Authorization: Bearer KEY' or 'X-API-Key: KEY' on inference and repository endpoints")
    String apiKey;

    @Option(names = "--max-body-mib", defaultValue = "64", description = "largest request body in MiB (default ${DEFAULT-VALUE})")
    int maxBodyMib;

    @Option(names = "--drain-seconds", defaultValue = "30", description = "how long shutdown waits for in-flight requests (default ${DEFAULT-VALUE})")
    int drainSeconds;

    @Option(names = "--threads", description = "intra-op threads per run (default: all cores)")
    Integer threads;

    @Override
    public Integer call() {
        SessionOptions session = SessionOptions.defaults();
        if (threads != null) {
            session = session.withIntraOpThreads(threads);
        }
        Duration drain = Duration.ofSeconds(drainSeconds);
        ModelManager models = new ModelManager(repository, session, drain);
        if (repository == null) {
            SessionOptions so = session;
            models.register(DemoModel.config(), Map.of(1L, v -> InferenceSession.of(DemoModel.build(42), so)));
            System.out.println("no --model-repository: serving the built-in demo model '" + DemoModel.NAME + "' (64 inputs -> 10 scores)");
        }
        Map<String, String> failed = models.loadAll();
        failed.forEach((m, why) -> System.err.println("model '" + m + "' not loaded: " + why));
        ServerOptions options = ServerOptions.defaults().withHost(host).withPort(port).withApiKey(apiKey)
                .withMaxBodyBytes((int) Math.min(Integer.MAX_VALUE - 8, (long) maxBodyMib << 20)).withDrainTimeout(drain);
        GhostFlowServer server = GhostFlowServer.start(options, models);
        Runnable shutdown = () -> {
            System.out.println("shutting down: finishing in-flight requests");
            server.stop(drain);
        };
        installSignalHandlers(shutdown);
        System.out.println("GhostFlow serving " + models.models().keySet() + " at " + server.url() + "/v2");
        System.out.flush();
        server.awaitStopped();
        return 0;
    }

    /** SIGTERM/SIGINT trigger a graceful stop on their own thread; the command then returns 0 (not 143). */
    private static void installSignalHandlers(Runnable shutdown) {
        for (String sig : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> Thread.ofPlatform().name("ghostflow-shutdown").start(shutdown));
            } catch (IllegalArgumentException e) {
                // signal not available on this platform: rely on the JVM's default handling
            }
        }
    }
}
