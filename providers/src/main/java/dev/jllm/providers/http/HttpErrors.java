package dev.jllm.providers.http;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/** Turns what a remote server answered (or failed to) into typed {@link LlmException}s. */
public final class HttpErrors {

    /** How much of a non-JSON error body goes into a message. */
    private static final int MAX_TEXT = 500;

    private HttpErrors() { }

    /**
     * The exception for a non-2xx answer. The message is the server's own: the OpenAI error body's message,
     * Ollama's {@code {"error":"..."}} string, or else the body text (shortened), or else the status.
     */
    public static LlmException fromResponse(int status, String body) {
        JsonObject error = errorObject(body);
        if (error != null) {
            return fromErrorJson(error, status);
        }
        String text = body == null ? "" : body.strip();
        if (text.isEmpty()) {
            text = "HTTP " + status;
        } else if (text.length() > MAX_TEXT) {
            text = text.substring(0, MAX_TEXT) + "...";
        }
        return new LlmException(Kind.forStatus(status), text, status, null);
    }

    /**
     * The exception for a JSON object with an "error" member, answered with the given status, or with 0 for an
     * error that arrived inside a stream (then the error's own code or type decides, UPSTREAM when neither does).
     */
    public static LlmException fromErrorJson(JsonObject o, int status) {
        JsonValue e = o.get("error");
        String message = null;
        String code = null;
        String type = null;
        JsonObject details = null;
        if (e instanceof JsonString s) {
            message = s.getString();
        } else if (e instanceof JsonObject eo) {
            message = text(eo.get("message"));
            code = text(eo.get("code"));
            type = text(eo.get("type"));
            details = eo;
        }
        if (message == null || message.isBlank()) {
            message = status > 0 ? "HTTP " + status : "the server reported an error: " + o;
        }
        Kind kind;
        if (status > 0) {
            kind = Kind.forError(status, code);
        } else if (code != null && code.contains("context_length_exceeded")) {
            kind = Kind.CONTEXT_LENGTH_EXCEEDED;
        } else if (code != null && code.matches("[45]\\d\\d")) {
            kind = Kind.forStatus(Integer.parseInt(code));
        } else if (type != null && Kind.forOpenAiType(type) != null) {
            kind = Kind.forOpenAiType(type);
        } else {
            kind = Kind.UPSTREAM;
        }
        LlmException failure = new LlmException(kind, message, status > 0 ? status : null, null);
        return details == null ? failure : withReportedOverflow(failure, details);
    }

    /**
     * {@code failure} with the context-overflow counts an error object reports (llama-server's and jllm's
     * {@code n_prompt_tokens} and {@code n_ctx}), for clients that shorten a conversation by them; unchanged when it
     * reports none.
     */
    public static LlmException withReportedOverflow(LlmException failure, JsonObject error) {
        if (error.get("n_prompt_tokens") instanceof JsonNumber prompt && error.get("n_ctx") instanceof JsonNumber context
                && prompt.isIntegral() && context.isIntegral()) {
            return failure.withContextOverflow(prompt.intValue(), context.intValue());
        }
        return failure;
    }

    /** The parsed object if {@code json} is a JSON object with an "error" member and no completion, else null. */
    public static JsonObject errorObject(String json) {
        if (json == null || json.indexOf("\"error\"") < 0) {
            return null; // cheap test first: this runs on every streamed chunk
        }
        String s = json.strip();
        if (!s.startsWith("{")) {
            return null;
        }
        try (var reader = jakarta.json.Json.createReader(new StringReader(s))) {
            JsonObject o = reader.readObject();
            JsonValue e = o.get("error");
            if (e == null || e == JsonValue.NULL || o.containsKey("choices")) {
                return null;
            }
            return o;
        } catch (JsonException | IllegalStateException e) {
            return null;
        }
    }

    /** The exception for a request that got no answer. */
    public static LlmException fromIo(IOException e, String method, URI uri, Duration connectTimeout,
                                      Duration requestTimeout) {
        String where = method + " " + uri;
        if (e instanceof HttpConnectTimeoutException) {
            return new LlmException(Kind.TIMEOUT, "connecting for " + where + " timed out after "
                    + human(connectTimeout), e);
        }
        if (e instanceof HttpTimeoutException) {
            return new LlmException(Kind.TIMEOUT, "no answer to " + where + " within " + human(requestTimeout), e);
        }
        if (e instanceof ConnectException || e.getCause() instanceof ConnectException
                || e.getCause() instanceof UnresolvedAddressException) {
            return new LlmException(Kind.UNAVAILABLE, "cannot connect for " + where + ": " + describe(e), e);
        }
        return new LlmException(Kind.UPSTREAM, where + " failed: " + describe(e), e);
    }

    static String describe(Throwable e) {
        Throwable t = e;
        while ((t.getMessage() == null || t.getMessage().isBlank()) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
    }

    public static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }

    /** A member's text when it is a string or a number (error codes come as either), else null. */
    public static String text(JsonValue v) {
        if (v instanceof JsonString s) {
            return s.getString();
        }
        if (v instanceof JsonNumber n) {
            return n.toString();
        }
        return null;
    }
}
