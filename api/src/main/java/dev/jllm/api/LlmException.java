package dev.jllm.api;

import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The one exception every jllm operation throws for expected failures. Its {@link Kind} says what went wrong in a
 * way that maps onto HTTP statuses and OpenAI error types, so that the server, the proxy client and the providers
 * can pass errors through without losing their meaning.
 */
public class LlmException extends RuntimeException {

    /** What went wrong, with the HTTP status and the OpenAI error {@code type} it is reported with. */
    public enum Kind {
        INVALID_REQUEST(400, "invalid_request_error"),
        AUTHENTICATION(401, "authentication_error"),
        PERMISSION(403, "permission_error"),
        NOT_FOUND(404, "not_found_error"),
        CONFLICT(409, "conflict_error"),
        RATE_LIMITED(429, "rate_limit_error"),
        // OpenAI reports this as an invalid request with code "context_length_exceeded"; the code keeps it distinct.
        CONTEXT_LENGTH_EXCEEDED(400, "invalid_request_error"),
        UNAVAILABLE(503, "unavailable_error"),
        UPSTREAM(502, "upstream_error"),
        TIMEOUT(504, "timeout_error"),
        // 499 is the de-facto status for "the client went away" (nginx); nobody reads it but logs.
        CANCELLED(499, "cancelled_error"),
        NOT_SUPPORTED(501, "not_supported_error"),
        INTERNAL(500, "server_error");

        private final int httpStatus;
        private final String openAiType;

        Kind(int httpStatus, String openAiType) {
            this.httpStatus = httpStatus;
            this.openAiType = openAiType;
        }

        /** The HTTP status this kind is answered with. */
        public int httpStatus() {
            return httpStatus;
        }

        /** The OpenAI error {@code type} string this kind is reported with. */
        public String openAiType() {
            return openAiType;
        }

        /** The OpenAI error {@code code} for kinds that OpenAI distinguishes by code, else null. */
        public String openAiCode() {
            return this == CONTEXT_LENGTH_EXCEEDED ? "context_length_exceeded" : null;
        }

        /** The kind for an HTTP error status (any status outside 2xx). */
        public static Kind forStatus(int status) {
            return switch (status) {
                case 400, 405, 413, 415, 422 -> INVALID_REQUEST;
                case 401 -> AUTHENTICATION;
                case 403 -> PERMISSION;
                case 404 -> NOT_FOUND;
                case 408, 504 -> TIMEOUT;
                case 409 -> CONFLICT;
                case 429 -> RATE_LIMITED;
                case 499 -> CANCELLED;
                case 501 -> NOT_SUPPORTED;
                case 502 -> UPSTREAM;
                case 503 -> UNAVAILABLE;
                default -> status >= 500 ? INTERNAL : INVALID_REQUEST;
            };
        }

        /** The kind reported with this OpenAI error {@code type} string, or null for a type no kind uses. */
        public static Kind forOpenAiType(String type) {
            for (Kind k : values()) {
                if (k.openAiType.equals(type)) {
                    return k;
                }
            }
            return null;
        }

        /**
         * The kind for an error answer: the OpenAI {@code code} wins where it is more precise than the status
         * (context length), otherwise the status decides.
         */
        public static Kind forError(int status, String code) {
            if (code != null && code.toLowerCase(Locale.ROOT).contains("context_length_exceeded")) {
                return CONTEXT_LENGTH_EXCEEDED;
            }
            return forStatus(status);
        }
    }

    private final Kind kind;
    private final Integer status;

    public LlmException(Kind kind, String message) {
        this(kind, message, null, null);
    }

    public LlmException(Kind kind, String message, Throwable cause) {
        this(kind, message, null, cause);
    }

    /**
     * @param status the HTTP status that was actually seen (e.g. from an upstream server), or null to use the
     *               kind's default
     */
    public LlmException(Kind kind, String message, Integer status, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.status = status;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status seen with this error, if one was (e.g. the status an upstream server answered). */
    public OptionalInt seenStatus() {
        return status == null ? OptionalInt.empty() : OptionalInt.of(status);
    }

    /** The HTTP status to report this error with: the status seen if any, else the kind's. */
    public int httpStatus() {
        return status != null ? status : kind.httpStatus();
    }

    /** Shorthand for {@code new LlmException(Kind.INVALID_REQUEST, message)}. */
    public static LlmException invalid(String message) {
        return new LlmException(Kind.INVALID_REQUEST, message);
    }

    /** Shorthand for {@code new LlmException(Kind.NOT_FOUND, message)}. */
    public static LlmException notFound(String message) {
        return new LlmException(Kind.NOT_FOUND, message);
    }

    /** Shorthand for {@code new LlmException(Kind.NOT_SUPPORTED, message)}. */
    public static LlmException notSupported(String message) {
        return new LlmException(Kind.NOT_SUPPORTED, message);
    }

    /** Wraps any throwable: an LlmException passes through, anything else becomes INTERNAL. */
    public static LlmException wrap(Throwable t) {
        if (t instanceof LlmException e) {
            return e;
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return new LlmException(Kind.INTERNAL, msg, t);
    }
}
