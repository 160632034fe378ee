package dev.jllm.server.http;

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
            drain(req);
            throw new CloseConnectionException("the request body was refused unread");
        }
    }

    /** At most this much of a refused body is read and thrown away before the connection is closed. */
    static final long LINGER_BYTES = 1L << 20;

    /**
     * Reads and discards what a client is still sending of a refused body (at most {@link #LINGER_BYTES}, within the
     * read deadline), as a lingering close does: a client that writes its whole body before it reads the answer
     * would otherwise find the connection reset and never see the 413. Nothing read here is parsed as a request;
     * a body that is longer, broken or already read ends the connection at once.
     */
    private static void drain(RoutingRequest req) {
        try (java.io.InputStream in = req.content().inputStream()) {
            byte[] buf = new byte[8192];
            long n = 0;
            int r;
            while (n < LINGER_BYTES && (r = in.read(buf)) >= 0) {
                n += r;
            }
        } catch (Exception | Error e) {
            // already read in part, malformed, too slow or too long: the connection is closed all the same
        }
    }
}
