package dev.jllm.server.ollama;

import dev.jllm.api.LlmException;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.openai.ClientGoneException;
import dev.jllm.server.openai.Errors;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;

import java.nio.charset.StandardCharsets;

/**
 * Runs an {@code /api} handler and answers whatever it throws in Ollama's error shape, {@code {"error": "..."}},
 * which Ollama's clients read (they show the message and ignore the rest). Failures the server shares with the
 * OpenAI routes (bodies, limits, the engine's refusals) keep their status and message; unexpected ones are logged
 * with a reference by {@link Errors} and never show a stack trace.
 */
final class OllamaHandler implements Handler {

    /** A handler body that may throw. */
    @FunctionalInterface
    interface Body {
        void handle(ServerRequest req, ServerResponse res);
    }

    private final Body body;

    private OllamaHandler(Body body) {
        this.body = body;
    }

    static Handler of(Body body) {
        return new OllamaHandler(body);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        try {
            body.handle(req, res);
        } catch (ClientGoneException e) {
            throw e;
        } catch (Throwable t) {
            if (res.isSent()) {
                return;
            }
            error(res, t);
        }
    }

    static void error(ServerResponse res, Throwable t) {
        int status;
        String message;
        switch (t) {
            case OllamaException e -> {
                status = e.status();
                message = e.getMessage();
            }
            case ApiException e -> {
                ApiError a = e.error();
                status = a.status();
                message = a.message();
                if (a.retryAfter() != null) {
                    res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, a.retryAfter().toSeconds())));
                }
            }
            case LlmException e -> {
                ApiError a = Errors.from(e);
                status = a.status();
                // Ollama's "format" reaches the engine as OpenAI's response_format: name the field the client sent.
                message = a.message().replace("invalid 'response_format'", "invalid 'format' (response_format)");
            }
            default -> {
                ApiError a = Errors.from(t);
                status = a.status();
                message = a.message();
            }
        }
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        res.send(json(message).getBytes(StandardCharsets.UTF_8));
    }

    static String json(String message) {
        return Json.createObjectBuilder().add("error", message == null ? "error" : message).build().toString();
    }
}
