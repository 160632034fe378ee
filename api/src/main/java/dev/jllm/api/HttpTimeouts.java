package dev.jllm.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Time limits for talking to a remote OpenAI-compatible server.
 *
 * @param connect  establishing the TCP/TLS connection
 * @param request  from sending the request until the response headers (the first byte) arrive; generous by
 *                 default because a local server may load a model before it answers
 * @param idle     the longest silence allowed between two pieces of a streamed answer
 */
public record HttpTimeouts(Duration connect, Duration request, Duration idle) {

    public static final HttpTimeouts DEFAULTS =
            new HttpTimeouts(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(2));

    public HttpTimeouts {
        requirePositive(connect, "connect timeout");
        requirePositive(request, "request timeout");
        requirePositive(idle, "idle timeout");
    }

    public HttpTimeouts withConnect(Duration d) {
        return new HttpTimeouts(d, request, idle);
    }

    public HttpTimeouts withRequest(Duration d) {
        return new HttpTimeouts(connect, d, idle);
    }

    public HttpTimeouts withIdle(Duration d) {
        return new HttpTimeouts(connect, request, d);
    }

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw LlmException.invalid(what + " must be positive, got " + d);
        }
    }
}
