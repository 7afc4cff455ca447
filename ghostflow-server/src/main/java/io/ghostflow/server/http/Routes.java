package io.ghostflow.server.http;

import io.ghostflow.core.GhostFlowException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A route table: method + path pattern -> handler, tried in order. Paths are matched exactly
 * (after dropping the query string); a path that matches but with another method gets 405.
 */
public final class Routes {
    /** Handles one matched request; the matcher holds the path's captured groups. */
    @FunctionalInterface
    public interface Handler {
        Response handle(Request request, Matcher path);
    }

    /**
     * Handles one matched request on the I/O thread and returns its response, possibly later.
     * It must not block; work that is slow goes to {@code offload} (virtual threads).
     */
    @FunctionalInterface
    public interface AsyncHandler {
        CompletableFuture<Response> handle(Request request, Matcher path, Executor offload);
    }

    /** Decides whether a request may proceed; returns the refusal or null. */
    @FunctionalInterface
    public interface Guard {
        Response check(Request request);
    }

    private record Route(String method, Pattern pattern, boolean guarded, AsyncHandler handler) {
    }

    private final List<Route> routes = new ArrayList<>();
    private Guard guard = r -> null;

    public Routes get(String regex, Handler h) {
        routes.add(new Route("GET", Pattern.compile(regex), false, offloaded(h)));
        return this;
    }

    public Routes post(String regex, Handler h) {
        routes.add(new Route("POST", Pattern.compile(regex), false, offloaded(h)));
        return this;
    }

    /** A POST behind the guard (API key). */
    public Routes guardedPost(String regex, Handler h) {
        routes.add(new Route("POST", Pattern.compile(regex), true, offloaded(h)));
        return this;
    }

    /** A POST behind the guard whose handler is called on the I/O thread and decides itself where its work runs. */
    public Routes guardedPostAsync(String regex, AsyncHandler h) {
        routes.add(new Route("POST", Pattern.compile(regex), true, h));
        return this;
    }

    /** A blocking handler: runs on the offload executor. */
    private static AsyncHandler offloaded(Handler h) {
        return (r, m, offload) -> CompletableFuture.supplyAsync(() -> h.handle(r, m), offload);
    }

    public Routes guard(Guard g) {
        this.guard = g;
        return this;
    }

    /** Routes one request synchronously on the calling thread; never throws: errors become {@code {"error": ...}}. */
    public Response dispatch(Request request) {
        return dispatch(request, Runnable::run).join();
    }

    /**
     * Routes one request; the future never fails: errors become {@code {"error": ...}} with the
     * matching status. Matching and the guard run on the calling thread (the I/O thread).
     */
    public CompletableFuture<Response> dispatch(Request request, Executor offload) {
        String path = request.path();
        boolean pathMatched = false;
        for (Route r : routes) {
            Matcher m = r.pattern.matcher(path);
            if (!m.matches()) {
                continue;
            }
            pathMatched = true;
            if (!r.method.equals(request.method()) && !(r.method.equals("GET") && request.method().equals("HEAD"))) {
                continue;
            }
            CompletableFuture<Response> f;
            try {
                if (r.guarded) {
                    Response refused = guard.check(request);
                    if (refused != null) {
                        return CompletableFuture.completedFuture(refused);
                    }
                }
                f = r.handler.handle(request, m, offload);
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(errorOf(e));
            }
            if (f.isDone() && !f.isCompletedExceptionally()) {
                return f;
            }
            return f.exceptionally(Routes::errorOf);
        }
        return CompletableFuture.completedFuture(pathMatched ? Response.error(405, "method " + request.method() + " not allowed on " + path)
                : Response.error(404, "no endpoint " + path));
    }

    private static Response errorOf(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof GhostFlowException g) {
            return Response.error(Statuses.of(g.code()), g.getMessage());
        }
        return Response.error(500, "internal error: " + e);
    }
}
