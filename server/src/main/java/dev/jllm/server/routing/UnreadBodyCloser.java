package dev.jllm.server.routing;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Ends the connection after an answer that left the request body unread (a refused oversized body, a malformed
 * chunked one). Whatever is left of such a body must never be read as the next request on the connection (request
 * smuggling), and draining it would read as much as the client chooses to send. Helidon keeps reading after an
 * answer marked {@code Connection: close}, so the connection is ended with the exception Helidon closes
 * connections for, thrown after the answer went out. Registered first, so the exception leaves the routing.
 */
public final class UnreadBodyCloser implements Filter {

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        chain.proceed();
        if (res.isSent() && !req.content().consumed() && res.headers().containsToken(HeaderValues.CONNECTION_CLOSE)) {
            throw new CloseConnectionException("the request body was refused unread");
        }
    }
}
