package dev.jllm.runtime.kv;

/**
 * A sequence would grow past the context length: the request is too long for the model or the
 * configured context. Callers map it to "context length exceeded"; the cache never truncates silently.
 */
public final class ContextOverflowException extends KvCacheException {

    private final int sequenceId;
    private final int requestedLength;
    private final int maxContext;

    public ContextOverflowException(int sequenceId, int requestedLength, int maxContext) {
        super("sequence " + sequenceId + " needs " + requestedLength + " positions but the context length is "
                + maxContext);
        this.sequenceId = sequenceId;
        this.requestedLength = requestedLength;
        this.maxContext = maxContext;
    }

    public int sequenceId() {
        return sequenceId;
    }

    public int requestedLength() {
        return requestedLength;
    }

    public int maxContext() {
        return maxContext;
    }
}
