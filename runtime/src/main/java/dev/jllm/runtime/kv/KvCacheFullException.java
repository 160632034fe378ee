package dev.jllm.runtime.kv;

/**
 * The cache's memory budget is used up by all sequences together: a capacity problem (drop or wait for
 * other sequences), not a problem of the request itself.
 */
public final class KvCacheFullException extends KvCacheException {

    private final long requestedBytes;
    private final long budgetBytes;

    public KvCacheFullException(int sequenceId, long requestedBytes, long usedBytes, long budgetBytes) {
        super("KV cache full: sequence " + sequenceId + " needs " + requestedBytes + " more bytes, "
                + usedBytes + " of the " + budgetBytes + "-byte budget are in use");
        this.requestedBytes = requestedBytes;
        this.budgetBytes = budgetBytes;
    }

    public long requestedBytes() {
        return requestedBytes;
    }

    public long budgetBytes() {
        return budgetBytes;
    }
}
