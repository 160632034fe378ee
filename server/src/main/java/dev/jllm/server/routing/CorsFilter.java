package dev.jllm.server.routing;

import dev.jllm.server.metrics.RouteLabel;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.Responses;
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
 * headers. A request from any other origin is refused with 403 before it reaches a route: without that, a page
 * on another site could still make "simple" requests (a form post, a text/plain fetch) that run a generation or
 * a job even though the browser would hide the answer (Ollama's {@code OLLAMA_ORIGINS} rule). The server's own
 * origin ({@code http://} + the request's {@code Host}, which {@link HostFilter} vouches for on loopback binds)
 * is always allowed, so a page served by jllm itself can call it.
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
        if (origin == null) {
            chain.proceed();
            return;
        }
        boolean allowed = any || origins.contains(origin);
        if (!allowed && sameOrigin(origin, req)) {
            chain.proceed(); // same-origin: the browser needs no CORS headers
            return;
        }
        boolean preflight = req.prologue().method() == Method.OPTIONS
                && req.headers().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        res.header(HeaderNames.VARY, "Origin");
        if (preflight) {
            RouteLabel.set(req, "preflight");
            if (!allowed) {
                Responses.error(res, refused(origin));
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
        if (!allowed) {
            RouteLabel.set(req, "origin_refused");
            Responses.error(res, refused(origin));
            return;
        }
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, any ? "*" : origin);
        res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
        chain.proceed();
    }

    private static ApiError refused(String origin) {
        return new ApiError(403, "permission_error", "origin '" + origin + "' is not allowed: start the server with"
                + " --cors-origin " + origin + " to let pages from it call the API", null, "origin_not_allowed",
                null);
    }

    /** Whether the Origin is this server itself as the browser reached it. */
    private static boolean sameOrigin(String origin, RoutingRequest req) {
        String host = req.headers().first(HeaderNames.HOST).orElse(null);
        return host != null && origin.equalsIgnoreCase("http://" + host.strip());
    }
}
