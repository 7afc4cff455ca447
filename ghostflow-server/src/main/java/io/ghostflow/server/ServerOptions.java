package io.ghostflow.server;

import java.time.Duration;

/**
 * How the server listens.
 *
 * @param host          interface to bind ("0.0.0.0" for all)
 * @param port          TCP port; 0 picks a free one
 * @param apiKey        when set, inference and repository endpoints need it (Bearer or X-API-Key)
 * @param maxBodyBytes  larger request bodies are refused with 413
 * @param drainTimeout  how long shutdown and version swaps wait for in-flight requests
 * @param ioThreads     Netty event-loop threads (they also parse small requests and run fast models;
 *                      slow work runs on virtual threads)
 */
public record ServerOptions(String host, int port, String apiKey, int maxBodyBytes, Duration drainTimeout, int ioThreads) {
    public static final int DEFAULT_MAX_BODY = 64 << 20;

    public static ServerOptions defaults() {
        return new ServerOptions("0.0.0.0", 8080, null, DEFAULT_MAX_BODY, Duration.ofSeconds(30),
                Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    /** Loopback on a free port: what tests and benchmarks use. */
    public static ServerOptions localFreePort() {
        return defaults().withHost("127.0.0.1").withPort(0).withDrainTimeout(Duration.ofSeconds(10));
    }

    public ServerOptions withHost(String h) {
        return new ServerOptions(h, port, apiKey, maxBodyBytes, drainTimeout, ioThreads);
    }

    public ServerOptions withPort(int p) {
        return new ServerOptions(host, p, apiKey, maxBodyBytes, drainTimeout, ioThreads);
    }

    public ServerOptions withApiKey(String k) {
        return new ServerOptions(host, port, k, maxBodyBytes, drainTimeout, ioThreads);
    }

    public ServerOptions withMaxBodyBytes(int n) {
        return new ServerOptions(host, port, apiKey, n, drainTimeout, ioThreads);
    }

    public ServerOptions withDrainTimeout(Duration d) {
        return new ServerOptions(host, port, apiKey, maxBodyBytes, d, ioThreads);
    }

    public ServerOptions withIoThreads(int n) {
        return new ServerOptions(host, port, apiKey, maxBodyBytes, drainTimeout, n);
    }
}
