package dev.jllm.server.openai;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

import java.nio.charset.StandardCharsets;

/**
 * Answers the errors Helidon raises before any route runs (a malformed request line, headers too large, an
 * unsupported HTTP version) in OpenAI's shape too, so that clients never see another error format. A server
 * error says nothing of its cause.
 */
public final class DirectErrors implements DirectHandler {

    private DirectErrors() { }

    /** A handler for every event type. */
    public static DirectHandlers all() {
        DirectErrors handler = new DirectErrors();
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (EventType t : EventType.values()) {
            b.addHandler(t, handler);
        }
        return b.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        int code = status.code();
        String text;
        if (eventType == EventType.INTERNAL_ERROR) {
            // Helidon raises this for any failure before routing, which can only come from the bytes the client
            // sent: an invalid method token, a broken header line, a request cut short.
            code = 400;
            status = Status.BAD_REQUEST_400;
            text = "the request is not valid HTTP/1.1";
        } else if (eventType == EventType.HTTP_VERSION_NOT_SUPPORTED) {
            text = "HTTP/1.0 is not supported: send the request as HTTP/1.1";
        } else {
            text = code >= 500 ? "The server had an error while processing your request"
                    : message == null || message.isBlank() ? status.reasonPhrase() : message;
        }
        String type = code >= 500 ? "server_error" : ApiError.INVALID_REQUEST;
        ApiError e = new ApiError(code, type, text, null, code == 413 ? "request_too_large" : null, null);
        headers.set(HeaderNames.CONTENT_TYPE, Responses.JSON);
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .keepAlive(eventType.keepAlive())
                .entity(e.toJson().toString().getBytes(StandardCharsets.UTF_8))
                .build();
    }
}
