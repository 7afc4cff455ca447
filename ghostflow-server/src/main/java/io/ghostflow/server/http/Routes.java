package io.ghostflow.server.http;

import io.ghostflow.core.GhostFlowException;
import java.util.ArrayList;
import java.util.List;
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

    /** Decides whether a request may proceed; returns the refusal or null. */
    @FunctionalInterface
    public interface Guard {
        Response check(Request request);
    }

    private record Route(String method, Pattern pattern, boolean guarded, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();
    private Guard guard = r -> null;

    public Routes get(String regex, Handler h) {
        routes.add(new Route("GET", Pattern.compile(regex), false, h));
        return this;
    }

    public Routes post(String regex, Handler h) {
        routes.add(new Route("POST", Pattern.compile(regex), false, h));
        return this;
    }

    /** A POST behind the guard (API key). */
    public Routes guardedPost(String regex, Handler h) {
        routes.add(new Route("POST", Pattern.compile(regex), true, h));
        return this;
    }

    public Routes guard(Guard g) {
        this.guard = g;
        return this;
    }

    /** Routes one request; never throws: errors become {@code {"error": ...}} with the matching status. */
    public Response dispatch(Request request) {
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
            try {
                if (r.guarded) {
                    Response refused = guard.check(request);
                    if (refused != null) {
                        return refused;
                    }
                }
                return r.handler.handle(request, m);
            } catch (GhostFlowException e) {
                return Response.error(Statuses.of(e.code()), e.getMessage());
            } catch (RuntimeException e) {
                return Response.error(500, "internal error: " + e);
            }
        }
        return pathMatched ? Response.error(405, "method " + request.method() + " not allowed on " + path)
                : Response.error(404, "no endpoint " + path);
    }
}
