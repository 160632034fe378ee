package dev.jllm.server.routing;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.util.List;
import java.util.Set;

/**
 * Cross-origin requests from the configured origins ("*" for any): preflights are answered here, before the API
 * key is checked (browsers send them without credentials), and answers to allowed origins carry the CORS
 * headers. Requests from other origins get no CORS headers, so browsers refuse them; their preflights get 403.
 */
public final class CorsFilter implements Filter {

    private static final String METHODS = "GET, POST, DELETE, OPTIONS";
    private static final String DEFAULT_HEADERS = "Authorization, Content-Type, Last-Event-ID";
    /** Headers a browser script may read: what SDKs use to decide on retries, and where a new job lives. */
    private static final String EXPOSED = "Retry-After, X-Should-Retry, Location";

    private final Set<String> origins;
    private final boolean any;

    public CorsFilter(List<String> origins) {
        this.origins = Set.copyOf(origins);
        this.any = origins.contains("*");
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String origin = req.headers().first(HeaderNames.ORIGIN).orElse(null);
        if (origins.isEmpty() || origin == null) {
            chain.proceed();
            return;
        }
        boolean allowed = any || origins.contains(origin);
        boolean preflight = req.prologue().method() == Method.OPTIONS
                && req.headers().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        res.header(HeaderNames.VARY, "Origin");
        if (preflight) {
            RouteLabel.set(req, "preflight");
            if (!allowed) {
                Responses.error(res, new ApiError(403, "permission_error", "origin '" + origin
                        + "' is not allowed", null, null, null));
                return;
            }
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, any ? "*" : origin);
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, METHODS);
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS,
                    req.headers().first(HeaderNames.ACCESS_CONTROL_REQUEST_HEADERS).orElse(DEFAULT_HEADERS));
            res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        if (allowed) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, any ? "*" : origin);
            res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
        }
        chain.proceed();
    }
}
