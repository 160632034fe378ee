package dev.jllm.runtime.kv;

import java.util.Arrays;

/**
 * The cached keys and values of one sequence: one page table per layer, pages allocated as the sequence grows,
 * each page one array of the layout's {@link KvType} ({@link KvRows}). Position {@code p} of layer {@code l} lives
 * in {@code keyPages(l)[p >> pageShift()]} from element {@link #offset}{@code (p) * keyWidth}, likewise for
 * values.
 *
 * <p>Writing is two-phase so that a failed forward pass leaves the sequence as it was: {@link #reserve}
 * makes room (and is where overflow is reported), the engine writes the new positions, then
 * {@link #commit} extends {@link #length}.
 *
 * <p>Pages may be shared with other sequences ({@link KvCache#share}): a sequence that starts with another's
 * tokens points at that one's pages instead of computing and storing them again. Only committed positions are
 * ever shared, and {@link #reserve} copies a shared page before the sequence may write into it
 * (copy-on-write), so sharing is invisible to readers and writers.
 */
public final class SequenceCache {

    private final KvCache owner;
    private final int id;
    private final KvLayout layout;
    private final int pageShift;
    private final KvRows rows;
    private final Object[][] keyPages;
    private final Object[][] valuePages;
    private PageRef[] refs = new PageRef[0];
    private int pages;
    private int length;

    SequenceCache(KvCache owner, int id) {
        this.owner = owner;
        this.id = id;
        this.layout = owner.layout();
        this.pageShift = Integer.numberOfTrailingZeros(layout.pageSize());
        this.rows = layout.rows(false);
        this.keyPages = new Object[layout.layers()][0];
        this.valuePages = new Object[layout.layers()][0];
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
     * Makes room for positions {@code [0, newLength)}: allocates pages, and copies the shared pages that
     * positions {@code [length, newLength)} fall into.
     *
     * @throws ContextOverflowException if {@code newLength} exceeds the context length
     * @throws KvCacheFullException if the cache's memory budget cannot hold the new pages (nothing changed)
     */
    public void reserve(int newLength) {
        if (newLength > layout.maxContext()) {
            throw new ContextOverflowException(id, newLength, layout.maxContext());
        }
        if (newLength <= length) {
            return;
        }
        long bytes = bytesToGrow(newLength);
        if (bytes == 0) {
            return;
        }
        owner.claim(id, bytes);
        int needed = pagesFor(newLength);
        for (int p = length >> pageShift; p < Math.min(pages, needed); p++) {
            if (refs[p].users() > 1) {
                copyOnWrite(p);
            }
        }
        if (needed > pages) {
            ensureTables(needed);
            int keyElements = layout.pageSize() * layout.keyWidth();
            int valueElements = layout.pageSize() * layout.valueWidth();
            for (int p = pages; p < needed; p++) {
                for (int l = 0; l < layout.layers(); l++) {
                    keyPages[l][p] = rows.newPage(keyElements);
                    valuePages[l][p] = rows.newPage(valueElements);
                }
                refs[p] = new PageRef();
            }
            pages = needed;
        }
    }

    /**
     * Bytes that {@link #reserve}{@code (newLength)} would claim: new pages, plus copies of shared pages the
     * new positions fall into.
     */
    long bytesToGrow(int newLength) {
        if (newLength <= length) {
            return 0;
        }
        int needed = pagesFor(Math.min(newLength, layout.maxContext()));
        int newPages = Math.max(0, needed - pages);
        for (int p = length >> pageShift; p < Math.min(pages, needed); p++) {
            if (refs[p].users() > 1) {
                newPages++;
            }
        }
        return newPages * pageBytesAllLayers();
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
        freePagesFrom(pagesFor(newLength));
    }

    /** Whether page {@code page} is used by other sequences too. For tests and accounting. */
    boolean isShared(int page) {
        return page < pages && refs[page].users() > 1;
    }

    /** Makes this (empty) sequence start with the first {@code prefixLength} committed positions of {@code source}. */
    void adopt(SequenceCache source, int prefixLength) {
        if (length != 0 || pages != 0) {
            throw new IllegalStateException("sequence " + id + " is not empty");
        }
        if (prefixLength > source.length) {
            throw new IllegalArgumentException("sequence " + source.id + " has " + source.length
                    + " committed positions, cannot share " + prefixLength);
        }
        int n = pagesFor(prefixLength);
        ensureTables(n);
        for (int p = 0; p < n; p++) {
            for (int l = 0; l < layout.layers(); l++) {
                keyPages[l][p] = source.keyPages[l][p];
                valuePages[l][p] = source.valuePages[l][p];
            }
            refs[p] = source.refs[p];
            refs[p].addUser();
        }
        pages = n;
        length = prefixLength;
    }

    void freePagesFrom(int firstFreed) {
        if (firstFreed >= pages) {
            return;
        }
        long freed = 0;
        for (int p = firstFreed; p < pages; p++) {
            for (int l = 0; l < layout.layers(); l++) {
                keyPages[l][p] = null;
                valuePages[l][p] = null;
            }
            if (refs[p].removeUser()) {
                freed += pageBytesAllLayers();
            }
            refs[p] = null;
        }
        owner.release(freed);
        pages = firstFreed;
    }

    private void copyOnWrite(int page) {
        for (int l = 0; l < layout.layers(); l++) {
            keyPages[l][page] = rows.copy(keyPages[l][page]);
            valuePages[l][page] = rows.copy(valuePages[l][page]);
        }
        refs[page].removeUser(); // others still use it: its memory stays counted for them
        refs[page] = new PageRef();
    }

    private void ensureTables(int needed) {
        if (needed <= keyPages[0].length) {
            return;
        }
        // the page tables grow geometrically, so a long sequence does not copy them at every page
        int tableSize = Math.min(layout.maxPages(), Math.max(needed, 2 * keyPages[0].length));
        for (int l = 0; l < layout.layers(); l++) {
            keyPages[l] = Arrays.copyOf(keyPages[l], tableSize);
            valuePages[l] = Arrays.copyOf(valuePages[l], tableSize);
        }
        refs = Arrays.copyOf(refs, tableSize);
    }

    private int pagesFor(int positions) {
        return (positions + layout.pageSize() - 1) >> pageShift;
    }

    private long pageBytesAllLayers() {
        return layout.layers() * layout.pageBytes();
    }

    /**
     * The key pages of {@code layer}, arrays of the layout's type (engine access through {@link KvRows}; read it
     * after {@link #reserve}, which may replace the table; entries past {@link #capacity()} are null).
     */
    public Object[] keyPages(int layer) {
        return keyPages[layer];
    }

    /** The value pages of {@code layer}. */
    public Object[] valuePages(int layer) {
        return valuePages[layer];
    }

    /** log2 of the page size: page index of position {@code p} is {@code p >> pageShift()}. */
    public int pageShift() {
        return pageShift;
    }

    /** The position's index inside its page (multiply by the key or value width for an element offset). */
    public int offset(int position) {
        return position & (layout.pageSize() - 1);
    }
}
