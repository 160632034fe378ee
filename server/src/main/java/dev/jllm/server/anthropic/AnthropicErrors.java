package dev.jllm.server.anthropic;

import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ClientGoneException;
import dev.jllm.server.openai.Errors;
import dev.jllm.server.openai.Responses;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Handler;
import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * Anthropic's error shape, {@code {"type":"error","error":{"type":...,"message":...}}}, which its SDKs read, for
 * every failure on the Messages routes (the API key check included): the same errors as elsewhere, in its words.
 */
public final class AnthropicErrors {

    private AnthropicErrors() { }

    /** Whether a path is one of the Messages routes, which answer in Anthropic's shape. */
    public static boolean isMessagesPath(String path) {
        return path.equals("/v1/messages") || path.startsWith("/v1/messages/");
    }

    /** Anthropic's error type for a status. */
    static String type(int status) {
        return switch (status) {
            case 400, 405, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> "api_error";
        };
    }

    public static JsonObject body(ApiError e) {
        return Json.createObjectBuilder().add("type", "error").add("error", Json.createObjectBuilder()
                .add("type", type(e.status())).add("message", e.message())).build();
    }

    /** Writes an error answer in Anthropic's shape, with the retry headers the OpenAI shape gets too. */
    public static void send(io.helidon.webserver.http.ServerResponse res, ApiError e) {
        if (e.retryAfter() != null) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, (e.retryAfter().toMillis() + 999) / 1000)));
        }
        if (e.shouldNotRetry()) {
            res.header("X-Should-Retry", "false");
        }
        Responses.json(res, e.status(), body(e).toString());
    }

    /** A handler whose failures are answered in Anthropic's shape (a stream already begun reports its own). */
    static Handler guarded(Handler h) {
        return (req, res) -> {
            try {
                h.handle(req, res);
            } catch (ClientGoneException e) {
                throw e;
            } catch (RuntimeException e) {
                if (res.isSent()) {
                    return;
                }
                if (!req.content().consumed()) {
                    // What is left of the body must not be read as the next request.
                    res.header(HeaderValues.CONNECTION_CLOSE);
                }
                send(res, Errors.from(e));
            }
        };
    }
}
