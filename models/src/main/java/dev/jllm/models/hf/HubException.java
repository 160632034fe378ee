package dev.jllm.models.hf;

/**
 * A pull from the Hugging Face Hub failed for a reason a user can act on; the message says what happened and what
 * to do. {@link #reason()} lets callers (the server, the CLI) map it to a status without parsing the message.
 */
public class HubException extends RuntimeException {

    /** Why a pull failed. */
    public enum Reason {
        /** The repo, revision or file does not exist (or is private and no token was given). */
        NOT_FOUND,
        /** The repo is gated or private and the token is missing, invalid or has no access (HTTP 401/403). */
        ACCESS_DENIED,
        /** The network or the server failed, after the bounded retries; a new pull resumes. */
        NETWORK,
        /** The server answered something a Hub would not (malformed listing, unexpected range, changing file). */
        BAD_RESPONSE,
        /** A downloaded file does not match the size or checksum the Hub reports. */
        CHECKSUM,
        /** The reference does not pick exactly one model in the repo (missing or ambiguous quantization). */
        NO_MATCH,
        /** Not enough free disk space for the download. */
        DISK_SPACE
    }

    private final Reason reason;

    public HubException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public HubException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
