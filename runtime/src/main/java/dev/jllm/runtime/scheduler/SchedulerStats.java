package dev.jllm.runtime.scheduler;

/**
 * A snapshot of a {@link Scheduler}.
 *
 * @param active         sequences holding a slot
 * @param waiting        requests waiting for one
 * @param steps          forward steps run so far
 * @param cachedPrefixes finished sequences kept for prefix reuse
 * @param kvUsedBytes    memory of the keys and values held (shared pages once)
 * @param kvMaxBytes     the KV memory budget
 * @param preemptions    running sequences set back to the queue so far because KV memory ran short
 */
public record SchedulerStats(int active, int waiting, long steps, int cachedPrefixes, long kvUsedBytes,
                             long kvMaxBytes, long preemptions) {
}
