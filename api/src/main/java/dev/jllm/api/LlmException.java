package dev.jllm.api;

import dev.jllm.api.openai.ErrorBody;
import dev.jllm.api.openai.ErrorResponse;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
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

    /**
     * Where a failure happened, so that callers can choose what to do next (retry, fall back to another
     * instance, show a setup hint). Stable: each value keeps its meaning and wire name.
     */
    public enum Origin {
        /** In the service itself (a bad request, a missing instance...): nothing further away is involved. */
        SERVICE,
        /** The jllm server could not be reached or dropped the connection (proxy mode). */
        TRANSPORT,
        /** A job ran on the jllm server and failed there (proxy mode); {@link #kind()} says how. */
        JOB,
        /** The instance's upstream server (OpenAI, Ollama, LM Studio) failed or refused. */
        UPSTREAM,
        /** A model could not be loaded; {@link #loadFailure()} says why. */
        MODEL_LOAD;

        /** The lower-case name used on the wire ({@code "model_load"}). */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The origin for a wire name, or null for one this version does not know. */
        public static Origin forWire(String s) {
            for (Origin o : values()) {
                if (o.wire().equals(s)) {
                    return o;
                }
            }
            return null;
        }
    }

    /** Why a model could not be loaded ({@link Origin#MODEL_LOAD}). */
    public enum LoadFailure {
        /** The file's architecture (or weight type) is one the engine does not run. */
        UNSUPPORTED_ARCHITECTURE,
        /** The file is malformed, truncated or inconsistent. */
        CORRUPT_FILE,
        /** Not enough memory to hold the model. */
        OUT_OF_MEMORY,
        /** The model (file, store entry or Hub repository) does not exist. */
        MODEL_NOT_FOUND,
        /** Anything else (e.g. an I/O error). */
        OTHER;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static LoadFailure forWire(String s) {
            for (LoadFailure f : values()) {
                if (f.wire().equals(s)) {
                    return f;
                }
            }
            return null;
        }
    }

    private final Kind kind;
    private final Integer status;
    private final Origin origin;
    private final LoadFailure loadFailure;
    /** The request field at fault (OpenAI's {@code param}), set where the error is raised; null when none is. */
    private final String param;
    /** For CONTEXT_LENGTH_EXCEEDED once the prompt was counted: the counts, set where the error is raised. */
    private final ContextOverflow contextOverflow;

    /**
     * How far a prompt missed the context, for clients that shorten a conversation by it (llama-server's
     * {@code n_prompt_tokens} and {@code n_ctx}).
     */
    public record ContextOverflow(int promptTokens, int contextSize) {
    }

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
        this(kind, message, status, cause, Origin.SERVICE, null);
    }

    /**
     * @param origin      where the failure happened
     * @param loadFailure why a model did not load; required with {@link Origin#MODEL_LOAD}, null otherwise
     */
    public LlmException(Kind kind, String message, Integer status, Throwable cause, Origin origin,
                        LoadFailure loadFailure) {
        this(kind, message, status, cause, origin, loadFailure, null);
    }

    /** @param param the request field at fault (OpenAI's {@code param}), or null */
    public LlmException(Kind kind, String message, Integer status, Throwable cause, Origin origin,
                        LoadFailure loadFailure, String param) {
        this(kind, message, status, cause, origin, loadFailure, param, null);
    }

    private LlmException(Kind kind, String message, Integer status, Throwable cause, Origin origin,
                         LoadFailure loadFailure, String param, ContextOverflow contextOverflow) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.status = status;
        this.origin = Objects.requireNonNull(origin, "origin");
        if ((origin == Origin.MODEL_LOAD) != (loadFailure != null)) {
            throw new IllegalArgumentException("a load failure reason goes with origin MODEL_LOAD, and only there");
        }
        this.loadFailure = loadFailure;
        this.param = param;
        this.contextOverflow = contextOverflow;
    }

    /** CONTEXT_LENGTH_EXCEEDED for a prompt of {@code promptTokens} tokens and a context of {@code contextSize}. */
    public static LlmException contextExceeded(String message, int promptTokens, int contextSize) {
        return new LlmException(Kind.CONTEXT_LENGTH_EXCEEDED, message, null, null, Origin.SERVICE, null, null,
                new ContextOverflow(promptTokens, contextSize));
    }

    /**
     * This failure as CONTEXT_LENGTH_EXCEEDED with the counts another server reported (llama-server's
     * {@code n_prompt_tokens} and {@code n_ctx}), keeping message, status, origin and cause.
     */
    public LlmException withContextOverflow(int promptTokens, int contextSize) {
        LlmException e = new LlmException(Kind.CONTEXT_LENGTH_EXCEEDED, getMessage(), status, getCause(), origin,
                loadFailure, param, new ContextOverflow(promptTokens, contextSize));
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** The token counts of a prompt too long for the context, where they were known when this was raised. */
    public Optional<ContextOverflow> contextOverflow() {
        return Optional.ofNullable(contextOverflow);
    }

    /**
     * This failure, thrown again on the thread that reads a result (a fresh stack trace there, this one as the
     * cause), every detail kept.
     */
    public LlmException reraised() {
        return new LlmException(kind, getMessage(), status, this, origin, loadFailure, param, contextOverflow);
    }

    /** The request field this error is about (OpenAI's {@code param}, e.g. {@code "top_k"}), if one is. */
    public Optional<String> param() {
        return Optional.ofNullable(param);
    }

    /** This failure naming {@code field} as the request field at fault, keeping everything else. */
    public LlmException withParam(String field) {
        LlmException e = new LlmException(kind, getMessage(), status, getCause(), origin, loadFailure, field,
                contextOverflow);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** Where the failure happened. */
    public Origin origin() {
        return origin;
    }

    /** Why a model did not load, for {@link Origin#MODEL_LOAD} failures. */
    public Optional<LoadFailure> loadFailure() {
        return Optional.ofNullable(loadFailure);
    }

    /** This failure with another origin (and no load-failure reason), keeping kind, message, status and cause. */
    public LlmException withOrigin(Origin o) {
        if (o == origin && loadFailure == null) {
            return this;
        }
        LlmException e = new LlmException(kind, getMessage(), status, getCause(), o, null, param, contextOverflow);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /**
     * A model that could not be loaded.
     *
     * @param kind what the failure is reported as (e.g. NOT_SUPPORTED for an unsupported architecture)
     */
    public static LlmException modelLoad(LoadFailure reason, Kind kind, String message, Throwable cause) {
        return new LlmException(kind, message, null, cause, Origin.MODEL_LOAD, Objects.requireNonNull(reason));
    }

    /** This failure as a model-load failure for {@code reason}, keeping kind, message, status and cause. */
    public LlmException asModelLoad(LoadFailure reason) {
        LlmException e = new LlmException(kind, getMessage(), status, getCause(), Origin.MODEL_LOAD,
                Objects.requireNonNull(reason), param, contextOverflow);
        e.setStackTrace(getStackTrace());
        return e;
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

    /**
     * A request field refused: INVALID_REQUEST with the message {@code invalid 'field': detail} and
     * {@link #param()} {@code field}, the one shape every layer (validators, engines) refuses a field in.
     */
    public static LlmException invalidParam(String field, String detail) {
        return new LlmException(Kind.INVALID_REQUEST, "invalid '" + field + "': " + detail, null, null,
                Origin.SERVICE, null, Objects.requireNonNull(field, "field"));
    }

    /** UNAVAILABLE: the named instance was closed, so it serves nothing more. */
    public static LlmException instanceClosed(String instance) {
        return new LlmException(Kind.UNAVAILABLE, "instance '" + instance + "' is closed");
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

    /** The OpenAI error answer that reports this exception. */
    public ErrorResponse toErrorResponse() {
        return new ErrorResponse(new ErrorBody(getMessage(), kind.openAiType(), param, kind.openAiCode()));
    }

    /** The exception an OpenAI error answer stands for, given the HTTP status it came with. */
    public static LlmException fromErrorResponse(ErrorResponse r, int httpStatus) {
        ErrorBody error = r == null ? null : r.error();
        String message = error == null || error.message() == null || error.message().isBlank()
                ? "HTTP " + httpStatus : error.message();
        Kind kind = Kind.forError(httpStatus, error == null ? null : error.code());
        return new LlmException(kind, message, httpStatus, null, Origin.SERVICE, null,
                error == null ? null : error.param());
    }
}
