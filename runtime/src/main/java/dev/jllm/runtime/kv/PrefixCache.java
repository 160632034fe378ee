package dev.jllm.runtime.kv;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finished sequences kept in a {@link KvCache} so that a later prompt starting with the same tokens (the next
 * turn of a chat, a shared system prompt) can {@link KvCache#share share} their keys and values instead of
 * evaluating them again. Entries are forgotten least recently used first: when the cache needs memory for
 * running sequences ({@link #evictLeastRecentlyUsed}) or beyond {@code maxEntries}.
 *
 * <p>An entry whose tokens are a prefix of a newer entry's is dropped: the newer one serves every prompt the
 * older could. Not thread-safe: the engine uses it from the thread that owns the cache.
 */
public final class PrefixCache {

    /** A cached sequence and how many leading tokens of a prompt it holds. */
    public record Match(int sequenceId, int length) {
        public static final Match NONE = new Match(-1, 0);
    }

    private final KvCache kv;
    private final int maxEntries;
    // insertion order is kept as recency order: a use moves an entry to the end
    private final LinkedHashMap<Integer, int[]> entries = new LinkedHashMap<>();

    public PrefixCache(KvCache kv, int maxEntries) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must be non-negative, got " + maxEntries);
        }
        this.kv = kv;
        this.maxEntries = maxEntries;
    }

    /**
     * Keeps sequence {@code sequenceId} of the KV cache, whose committed positions hold {@code tokens}, for
     * later prompts; the cache owns the sequence from now on (it drops it when evicting). An empty sequence or
     * one another entry covers is dropped at once.
     */
    public void retain(int sequenceId, int[] tokens) {
        if (kv.length(sequenceId) != tokens.length) {
            throw new IllegalArgumentException("sequence " + sequenceId + " holds " + kv.length(sequenceId)
                    + " positions, not the " + tokens.length + " tokens given");
        }
        if (tokens.length == 0 || maxEntries == 0) {
            kv.drop(sequenceId);
            return;
        }
        for (Iterator<Map.Entry<Integer, int[]>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, int[]> e = it.next();
            int[] other = e.getValue();
            int common = commonPrefix(other, other.length, tokens, tokens.length);
            if (common == tokens.length) {
                // an entry holds all of this and maybe more: it is the one to keep, and it was just used
                kv.drop(sequenceId);
                touch(e.getKey());
                return;
            }
            if (common == other.length) {
                kv.drop(e.getKey());
                it.remove();
            }
        }
        entries.put(sequenceId, tokens);
        while (entries.size() > maxEntries) {
            evictLeastRecentlyUsed();
        }
    }

    /**
     * The entry sharing the longest prefix with {@code tokens[0, limit)} (the most recently used among equals),
     * or {@link Match#NONE}.
     */
    public Match longestPrefix(int[] tokens, int limit) {
        int best = 0;
        int bestId = -1;
        for (Map.Entry<Integer, int[]> e : entries.entrySet()) {
            int n = commonPrefix(e.getValue(), e.getValue().length, tokens, limit);
            if (n > 0 && n >= best) {
                best = n;
                bestId = e.getKey();
            }
        }
        return bestId < 0 ? Match.NONE : new Match(bestId, best);
    }

    /** Marks the entry as just used (a prompt shared its pages). */
    public void touch(int sequenceId) {
        int[] tokens = entries.remove(sequenceId);
        if (tokens != null) {
            entries.put(sequenceId, tokens);
        }
    }

    /** Drops the least recently used entry; false if there is none. */
    public boolean evictLeastRecentlyUsed() {
        Iterator<Map.Entry<Integer, int[]>> it = entries.entrySet().iterator();
        if (!it.hasNext()) {
            return false;
        }
        int id = it.next().getKey();
        it.remove();
        kv.drop(id);
        return true;
    }

    /** Drops every entry. */
    public void clear() {
        while (evictLeastRecentlyUsed()) {
            // each pass drops one
        }
    }

    public boolean contains(int sequenceId) {
        return entries.containsKey(sequenceId);
    }

    public int size() {
        return entries.size();
    }

    /** Sequence ids of the entries, least recently used first. */
    public List<Integer> sequenceIds() {
        return new ArrayList<>(entries.keySet());
    }

    /** Length of the common prefix of {@code a[0, aLength)} and {@code b[0, bLength)}. */
    public static int commonPrefix(int[] a, int aLength, int[] b, int bLength) {
        int m = java.util.Arrays.mismatch(a, 0, aLength, b, 0, bLength);
        return m < 0 ? aLength : m;
    }
}
