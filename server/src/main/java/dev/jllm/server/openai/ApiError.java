package dev.jllm.server.openai;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.time.Duration;
import java.util.Objects;

/**
 * An error answer in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, with the HTTP status it
 * goes out with and the headers that tell SDKs whether and when to retry.
 *
 * @param status     HTTP status
 * @param type       OpenAI error type, e.g. "invalid_request_error"
 * @param message    what went wrong, for a person; never a stack trace
 * @param param      the request field at fault, or null
 * @param code       a machine-readable code, e.g. "model_not_found", or null
 * @param retryAfter when set, a Retry-After header (429 and 503 answers)
 */
public record ApiError(int status, String type, String message, String param, String code, Duration retryAfter) {

    public static final String INVALID_REQUEST = "invalid_request_error";

    public ApiError {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
    }

    public static ApiError invalid(String message, String param) {
        return new ApiError(400, INVALID_REQUEST, message, param, null, null);
    }

    public static ApiError invalid(String message, String param, String code) {
        return new ApiError(400, INVALID_REQUEST, message, param, code, null);
    }

    /** OpenAI's answer for a model it does not know: 404, invalid_request_error, code model_not_found. */
    public static ApiError modelNotFound(String model) {
        return new ApiError(404, INVALID_REQUEST, "The model '" + model + "' does not exist", "model",
                "model_not_found", null);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "not_found_error", message, null, null, null);
    }

    public static ApiError overloaded(String message, Duration retryAfter) {
        return new ApiError(503, "server_overloaded", message, null, "server_overloaded", retryAfter);
    }

    /**
     * Whether SDKs should be told not to retry: they retry 408, 409, 429 and every 5xx unless the answer says
     * {@code X-Should-Retry: false}, and repeating a generation that failed inside the server only fails again.
     */
    public boolean shouldNotRetry() {
        return status == 500 || status == 501 || status == 409;
    }

    /** The {@code {"error":{...}}} document; absent param and code are written as null, as OpenAI does. */
    public JsonObject toJson() {
        JsonObjectBuilder e = Json.createObjectBuilder()
                .add("message", message)
                .add("type", type);
        if (param == null) {
            e.addNull("param");
        } else {
            e.add("param", param);
        }
        if (code == null) {
            e.addNull("code");
        } else {
            e.add("code", code);
        }
        if ("context_length_exceeded".equals(code)) {
            ContextOverflow.addCounts(e, message);
        }
        return Json.createObjectBuilder().add("error", e).build();
    }

    public ApiError withRetryAfter(Duration d) {
        return new ApiError(status, type, message, param, code, d);
    }
}
