package dev.jllm.server.metrics;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;

/**
 * Names the route a request took, for the metrics and the access log: the route template, never the raw path,
 * so that ids in paths do not make a new series per request.
 */
public final class RouteLabel {

    /** The label of requests no route took. */
    public static final String UNMATCHED = "unmatched";
    private static final String KEY = "jllm.route";

    private RouteLabel() { }

    /** A handler that records its route before running. */
    public static Handler named(String route, Handler handler) {
        return (req, res) -> {
            set(req, route);
            handler.handle(req, res);
        };
    }

    /** Records the route of a request answered outside the routes (a filter). */
    public static void set(ServerRequest req, String route) {
        req.context().register(KEY, route);
    }

    public static String of(ServerRequest req) {
        return req.context().get(KEY, String.class).orElse(UNMATCHED);
    }
}
