package dev.jllm.server.openai;

import dev.jllm.api.LlmException;

import java.time.Duration;
import java.util.UUID;

/**
 * Turns anything a handler throws into the answer the client gets. Expected failures ({@link LlmException},
 * {@link ApiException}) keep their message; anything else is a bug in the server, logged here with its stack
 * trace and reported to the client only by a reference, so that no internals leak.
 */
public final class Errors {

    private static final System.Logger LOG = System.getLogger(Errors.class.getName());
    /** What 429 and 503 answers ask clients to wait when nothing more precise is known. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    private Errors() { }

    public static ApiError from(Throwable t) {
        return switch (t) {
            case ApiException e -> e.error();
            case LlmException e -> from(e);
            default -> {
                String ref = UUID.randomUUID().toString().substring(0, 8);
                LOG.log(System.Logger.Level.ERROR, "internal error (ref " + ref + ")", t);
                yield new ApiError(500, "server_error", "The server had an error while processing your request"
                        + " (ref " + ref + ")", null, null, null);
            }
        };
    }

    /** Whether something other than LlmExceptions (which stand for expected failures) is in the cause chain. */
    static boolean wrapsABug(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (!(t instanceof LlmException)) {
                return true;
            }
        }
        return false;
    }

    public static ApiError from(LlmException e) {
        String msg = e.getMessage();
        LlmException.Kind kind = e.kind();
        return switch (kind) {
            case INVALID_REQUEST -> ApiError.invalid(msg, e.param().orElse(null));
            case CONTEXT_LENGTH_EXCEEDED -> ApiError.invalid(msg, "messages", kind.openAiCode());
            // The server checks its own clients' keys itself; an authentication failure from an instance means
            // jllm's credentials for an upstream server were refused, which is not the client's key at fault.
            case AUTHENTICATION, PERMISSION -> new ApiError(502, "upstream_error",
                    "the upstream server refused jllm's credentials: " + msg, null, null, null);
            case NOT_FOUND -> new ApiError(404, kind.openAiType(), msg, null, null, null);
            case RATE_LIMITED -> new ApiError(429, kind.openAiType(), msg, null, null, DEFAULT_RETRY_AFTER);
            case UNAVAILABLE -> new ApiError(503, kind.openAiType(), msg, null, null, DEFAULT_RETRY_AFTER);
            case INTERNAL -> {
                // An upstream's 500 has no cause worth a stack trace; an engine failure wrapping a bug has.
                if (!wrapsABug(e)) {
                    LOG.log(System.Logger.Level.WARNING, "generation failed: " + msg);
                } else {
                    LOG.log(System.Logger.Level.ERROR, "generation failed: " + msg, e);
                }
                yield new ApiError(500, kind.openAiType(), msg, null, null, null);
            }
            default -> new ApiError(kind.httpStatus(), kind.openAiType(), msg, null, kind.openAiCode(), null);
        };
    }
}
