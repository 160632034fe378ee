package dev.jllm.runtime.kv;

import java.util.Arrays;

/**
 * The cached keys and values of one sequence: F32, one page array per layer, pages allocated as the
 * sequence grows. Position {@code p} of layer {@code l} lives in {@code keyPages(l)[p >> pageShift()]}
 * at offset {@link #offset}{@code (p) * keyWidth}, likewise for values.
 *
 * <p>Writing is two-phase so that a failed forward pass leaves the sequence as it was: {@link #reserve}
 * makes room (and is where overflow is reported), the engine writes the new positions, then
 * {@link #commit} extends {@link #length}.
 */
public final class SequenceCache {

    private final KvCache owner;
    private final int id;
    private final KvLayout layout;
    private final int pageShift;
    private final float[][][] keyPages;
    private final float[][][] valuePages;
    private int pages;
    private int length;

    SequenceCache(KvCache owner, int id) {
        this.owner = owner;
        this.id = id;
        this.layout = owner.layout();
        this.pageShift = Integer.numberOfTrailingZeros(layout.pageSize());
        this.keyPages = new float[layout.layers()][0][];
        this.valuePages = new float[layout.layers()][0][];
    }

    public int id() {
        return id;
    }

    /** Number of positions holding committed keys and values. */
    public int length() {
        return length;
    }

    /** Positions that fit in the pages allocated so far. */
    public int capacity() {
        return pages << pageShift;
    }

    /**
     * Makes room for positions {@code [0, newLength)}.
     *
     * @throws ContextOverflowException if {@code newLength} exceeds the context length
     * @throws KvCacheFullException if the cache's memory budget cannot hold the new pages
     */
    public void reserve(int newLength) {
        if (newLength > layout.maxContext()) {
            throw new ContextOverflowException(id, newLength, layout.maxContext());
        }
        int needed = (newLength + layout.pageSize() - 1) >> pageShift;
        if (needed <= pages) {
            return;
        }
        owner.claim(id, (long) (needed - pages) * layout.layers() * layout.pageBytes());
        if (needed > keyPages[0].length) {
            // the page tables grow geometrically, so a long sequence does not copy them at every page
            int tableSize = Math.min(layout.maxPages(), Math.max(needed, 2 * keyPages[0].length));
            for (int l = 0; l < layout.layers(); l++) {
                keyPages[l] = Arrays.copyOf(keyPages[l], tableSize);
                valuePages[l] = Arrays.copyOf(valuePages[l], tableSize);
            }
        }
        int keyFloats = layout.pageSize() * layout.keyWidth();
        int valueFloats = layout.pageSize() * layout.valueWidth();
        for (int p = pages; p < needed; p++) {
            for (int l = 0; l < layout.layers(); l++) {
                keyPages[l][p] = new float[keyFloats];
                valuePages[l][p] = new float[valueFloats];
            }
        }
        pages = needed;
    }

    /** Marks positions {@code [0, newLength)} as written; they must have been reserved. */
    public void commit(int newLength) {
        if (newLength < length || newLength > capacity()) {
            throw new IllegalStateException("sequence " + id + ": cannot commit length " + newLength
                    + " (length " + length + ", capacity " + capacity() + ")");
        }
        length = newLength;
    }

    /**
     * Forgets positions {@code [newLength, length)} (e.g. to reuse a shared prefix) and frees the pages no
     * longer needed.
     */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("sequence " + id + ": cannot truncate to " + newLength
                    + " (length " + length + ")");
        }
        length = newLength;
        int needed = (newLength + layout.pageSize() - 1) >> pageShift;
        freePagesFrom(needed);
    }

    void freePagesFrom(int firstFreed) {
        if (firstFreed >= pages) {
            return;
        }
        for (int p = firstFreed; p < pages; p++) {
            for (int l = 0; l < layout.layers(); l++) {
                keyPages[l][p] = null;
                valuePages[l][p] = null;
            }
        }
        owner.release((long) (pages - firstFreed) * layout.layers() * layout.pageBytes());
        pages = firstFreed;
    }

    /**
     * The key pages of {@code layer} (engine access; read it after {@link #reserve}, which may replace the
     * table; entries past {@link #capacity()} are null).
     */
    public float[][] keyPages(int layer) {
        return keyPages[layer];
    }

    /** The value pages of {@code layer}. */
    public float[][] valuePages(int layer) {
        return valuePages[layer];
    }

    /** log2 of the page size: page index of position {@code p} is {@code p >> pageShift()}. */
    public int pageShift() {
        return pageShift;
    }

    /** The position's index inside its page (multiply by the key or value width for a float offset). */
    public int offset(int position) {
        return position & (layout.pageSize() - 1);
    }
}
