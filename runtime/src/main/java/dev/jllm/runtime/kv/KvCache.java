package dev.jllm.runtime.kv;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Key/value cache (of the layout's {@link KvType}) for any number of sequences, each growing page by page up to the context length,
 * all together within a memory budget. Sequences may share the pages of a common prefix ({@link #share}):
 * shared pages count once against the budget. Not thread-safe: the engine uses it from one thread at a time.
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

    /**
     * Starts sequence {@code targetId} (absent or empty) with the first {@code length} committed positions of
     * {@code sourceId}, sharing its pages instead of copying them: the keys and values of a common prefix are
     * stored once. Either sequence may then grow (or be truncated or dropped) independently.
     *
     * @throws IllegalArgumentException if the source does not exist or has fewer committed positions, or the
     *                                  target is the source
     * @throws IllegalStateException    if the target already holds positions
     */
    public void share(int sourceId, int targetId, int length) {
        SequenceCache source = sequences.get(sourceId);
        if (source == null) {
            throw new IllegalArgumentException("no sequence " + sourceId + " in the KV cache");
        }
        if (sourceId == targetId) {
            throw new IllegalArgumentException("sequence " + sourceId + " cannot share with itself");
        }
        if (length < 0) {
            throw new IllegalArgumentException("a shared prefix has a non-negative length, got " + length);
        }
        sequence(targetId).adopt(source, length);
    }

    /**
     * The bytes that growing sequence {@code id} to {@code newLength} positions would claim (new pages and
     * copies of shared pages it would write into); 0 if it holds that many already.
     */
    public long bytesToGrow(int id, int newLength) {
        SequenceCache s = sequences.get(id);
        if (s == null) {
            long pages = (Math.min(newLength, layout.maxContext()) + (long) layout.pageSize() - 1) / layout.pageSize();
            return pages * layout.layers() * layout.pageBytes();
        }
        return s.bytesToGrow(newLength);
    }

    /** The memory budget of all pages together. */
    public long maxBytes() {
        return layout.maxBytes();
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

    /** Bytes of pages currently allocated (a page shared by several sequences counts once). */
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
