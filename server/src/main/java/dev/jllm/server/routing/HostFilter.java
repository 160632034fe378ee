package dev.jllm.server.routing;

import dev.jllm.server.metrics.RouteLabel;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.Responses;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.util.Locale;

/**
 * DNS rebinding guard. A server bound to a loopback address is meant for this machine only, but a web page on
 * another site can make its own host name resolve to 127.0.0.1 and then drive the API "same-origin" from the
 * browser's point of view. Such requests still carry the attacker's name in {@code Host}, so a loopback-bound
 * server answers only requests whose {@code Host} is a loopback name or the configured host, and 403 otherwise.
 * A server bound to another address is reachable under names jllm cannot know, so it checks nothing here.
 */
public final class HostFilter implements Filter {

    private final boolean loopbackBind;
    private final String configuredHost;

    /** @param bindHost the address the server listens on ({@code --host}) */
    public HostFilter(String bindHost) {
        this.configuredHost = bindHost.toLowerCase(Locale.ROOT);
        this.loopbackBind = isLoopbackName(hostOnly(configuredHost));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!loopbackBind) {
            chain.proceed();
            return;
        }
        // HTTP/1.0 may omit Host; Helidon itself refuses an HTTP/1.1 request without one.
        String host = req.headers().first(HeaderNames.HOST).orElse(null);
        if (host == null) {
            chain.proceed();
            return;
        }
        String name = hostOnly(host.strip().toLowerCase(Locale.ROOT));
        if (isLoopbackName(name) || name.equals(hostOnly(configuredHost))) {
            chain.proceed();
            return;
        }
        RouteLabel.set(req, "host_refused");
        Responses.error(res, new ApiError(403, "permission_error", "the Host '" + host + "' is not a name of this"
                + " server: a server bound to a loopback address answers only to localhost, 127.0.0.1, [::1] or"
                + " its --host", null, "host_not_allowed", null));
    }

    /** The name of a Host header value or host option, without its port and IPv6 brackets. */
    static String hostOnly(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(1, end);
        }
        int colon = host.indexOf(':');
        // more than one colon: a bare IPv6 address, no port
        return colon >= 0 && host.indexOf(':', colon + 1) < 0 ? host.substring(0, colon) : host;
    }

    static boolean isLoopbackName(String name) {
        return name.equals("localhost") || name.endsWith(".localhost") || name.equals("::1")
                || name.equals("0:0:0:0:0:0:0:1") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
