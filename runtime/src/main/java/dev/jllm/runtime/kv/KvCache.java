package dev.jllm.runtime.kv;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * F32 key/value cache for any number of sequences, each growing page by page up to the context length,
 * all together within a memory budget. Not thread-safe: the engine uses it from one thread at a time.
 */
public final class KvCache {

    private final KvLayout layout;
    private final Map<Integer, SequenceCache> sequences = new HashMap<>();
    private long usedBytes;

    public KvCache(KvLayout layout) {
        this.layout = layout;
    }

    public KvLayout layout() {
        return layout;
    }

    /** The sequence's cache, created empty on first use. */
    public SequenceCache sequence(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("sequence ids are non-negative, got " + id);
        }
        return sequences.computeIfAbsent(id, k -> new SequenceCache(this, k));
    }

    public boolean contains(int id) {
        return sequences.containsKey(id);
    }

    /** Committed length of the sequence, 0 if it does not exist. */
    public int length(int id) {
        SequenceCache s = sequences.get(id);
        return s == null ? 0 : s.length();
    }

    /** Forgets the sequence and frees its pages. */
    public void drop(int id) {
        SequenceCache s = sequences.remove(id);
        if (s != null) {
            s.freePagesFrom(0);
        }
    }

    /** Keeps the first {@code length} positions of the sequence. */
    public void truncate(int id, int length) {
        SequenceCache s = sequences.get(id);
        if (s == null) {
            if (length == 0) {
                return;
            }
            throw new IllegalArgumentException("no sequence " + id + " in the KV cache");
        }
        s.truncate(length);
    }

    /** Drops every sequence. */
    public void clear() {
        for (int id : sequenceIds()) {
            drop(id);
        }
    }

    /** Ids of the sequences present, ascending. */
    public int[] sequenceIds() {
        int[] ids = sequences.keySet().stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(ids);
        return ids;
    }

    /** Bytes of pages currently allocated. */
    public long usedBytes() {
        return usedBytes;
    }

    void claim(int sequenceId, long bytes) {
        if (usedBytes + bytes > layout.maxBytes()) {
            throw new KvCacheFullException(sequenceId, bytes, usedBytes, layout.maxBytes());
        }
        usedBytes += bytes;
    }

    void release(long bytes) {
        usedBytes -= bytes;
    }
}
