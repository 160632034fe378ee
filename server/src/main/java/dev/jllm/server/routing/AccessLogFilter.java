package dev.jllm.server.routing;

import dev.jllm.server.metrics.Metrics;
import dev.jllm.server.metrics.RouteLabel;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.util.Locale;

/**
 * The outermost filter: one access-log line per request (logger {@code dev.jllm.server.access}) and the request
 * metrics, both taken after the answer is complete, so a streamed answer counts its whole duration.
 */
public final class AccessLogFilter implements Filter {

    private static final System.Logger ACCESS = System.getLogger("dev.jllm.server.access");

    private final Metrics metrics;

    public AccessLogFilter(Metrics metrics) {
        this.metrics = metrics;
    }

    /** The client's address; a connection already closed (a client gone, a read cut off) has none. */
    private static String client(RoutingRequest req) {
        try {
            return req.remotePeer().host();
        } catch (RuntimeException e) {
            return "-";
        }
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long t0 = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            double seconds = (System.nanoTime() - t0) / 1e9;
            String route = RouteLabel.of(req);
            String method = req.prologue().method().text();
            int status = res.status().code();
            metrics.httpRequests.inc(route, method, Integer.toString(status));
            metrics.httpDuration.observe(seconds, route);
            if (ACCESS.isLoggable(System.Logger.Level.INFO)) {
                ACCESS.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "%s %s %s %d %.1fms %dB",
                        client(req), method, req.path().rawPath(), status, seconds * 1000,
                        res.bytesWritten()));
            }
        }
    }
}
