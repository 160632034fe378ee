package dev.jllm.runtime.scheduler;

import dev.jllm.runtime.kv.KvType;

/**
 * How a {@link Scheduler} shares one model among requests.
 *
 * @param slots          sequences decoded together at most (a request beyond them waits)
 * @param maxQueue       requests that may wait for a slot; one more is refused at once (RATE_LIMITED)
 * @param chunkTokens    tokens evaluated per step at most: running sequences' next tokens first, then prompt
 *                       tokens of newcomers, so a long prompt is evaluated in chunks between decode steps
 * @param interleaveTokens prompt tokens per step at most while other sequences are decoding (at most
 *                       {@code chunkTokens}): a smaller chunk keeps their tokens flowing during a newcomer's
 *                       prompt, at little cost to the prompt's own speed (a batch of a few dozen tokens already
 *                       uses the matrix kernels fully)
 * @param contextSize    positions per sequence: prompt and generated tokens together
 * @param kvMemoryBytes  memory for the keys and values of all sequences, running and cached prefixes together
 * @param prefixEntries  finished sequences kept for prefix reuse at most (fewer when memory runs short)
 * @param kvType         element type of the KV cache (F32 exact, F16 half the memory, Q8_0 about a quarter)
 */
public record SchedulerConfig(int slots, int maxQueue, int chunkTokens, int interleaveTokens, int contextSize,
                              long kvMemoryBytes, int prefixEntries, KvType kvType) {

    /** An F32 KV cache. */
    public SchedulerConfig(int slots, int maxQueue, int chunkTokens, int interleaveTokens, int contextSize,
                           long kvMemoryBytes, int prefixEntries) {
        this(slots, maxQueue, chunkTokens, interleaveTokens, contextSize, kvMemoryBytes, prefixEntries, KvType.F32);
    }

    /** Enough cached conversations for many clients, few enough that a prefix lookup stays cheap. */
    public static final int DEFAULT_PREFIX_ENTRIES = 64;

    /**
     * The interleave chunk for a step budget: an eighth of it, at least 16 tokens (64 for the default 512): on
     * CPUs a prompt evaluates at tens of tokens per second, so a full 512-token chunk would stall running
     * streams for many seconds.
     */
    public static int defaultInterleave(int chunkTokens) {
        return Math.min(chunkTokens, Math.max(16, chunkTokens / 8));
    }

    public SchedulerConfig {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1, got " + slots);
        }
        if (maxQueue < 0) {
            throw new IllegalArgumentException("the queue length must be 0 or more, got " + maxQueue);
        }
        if (chunkTokens < 1) {
            throw new IllegalArgumentException("chunkTokens must be at least 1, got " + chunkTokens);
        }
        if (interleaveTokens < 1 || interleaveTokens > chunkTokens) {
            throw new IllegalArgumentException("interleaveTokens must be between 1 and chunkTokens (" + chunkTokens
                    + "), got " + interleaveTokens);
        }
        if (contextSize < 2) {
            throw new IllegalArgumentException("the context must hold at least 2 tokens, got " + contextSize);
        }
        if (kvMemoryBytes <= 0) {
            throw new IllegalArgumentException("the KV memory budget must be positive, got " + kvMemoryBytes);
        }
        if (prefixEntries < 0) {
            throw new IllegalArgumentException("prefixEntries must be 0 or more, got " + prefixEntries);
        }
        java.util.Objects.requireNonNull(kvType, "kvType");
    }
}
