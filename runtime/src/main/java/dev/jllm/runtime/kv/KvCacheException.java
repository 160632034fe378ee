package dev.jllm.runtime.kv;

/** A KV cache cannot hold what was asked of it. Nothing was written when this is thrown. */
public abstract sealed class KvCacheException extends RuntimeException
        permits ContextOverflowException, KvCacheFullException {

    protected KvCacheException(String message) {
        super(message);
    }
}
