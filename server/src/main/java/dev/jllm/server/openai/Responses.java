package dev.jllm.server.openai;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;

/** Writes whole answers: JSON documents and errors. */
public final class Responses {

    public static final String JSON = "application/json";

    private Responses() { }

    public static void json(ServerResponse res, int status, String json) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.send(json.getBytes(StandardCharsets.UTF_8));
    }

    public static void error(ServerResponse res, ApiError e) {
        if (e.retryAfter() != null) {
            // Retry-After is in whole seconds; rounding up never asks a client to come back too early.
            long s = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
            res.header(HeaderNames.RETRY_AFTER, Long.toString(s));
        }
        if (e.shouldNotRetry()) {
            res.header("X-Should-Retry", "false");
        }
        json(res, e.status(), e.toJson().toString());
    }
}
