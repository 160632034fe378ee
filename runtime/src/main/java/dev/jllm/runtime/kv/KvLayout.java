package dev.jllm.runtime.kv;

/**
 * The shape of a KV cache: per position and layer, {@code keyWidth} key floats and {@code valueWidth}
 * value floats; at most {@code maxContext} positions per sequence; storage grows in pages of
 * {@code pageSize} positions (a power of two); at most {@code maxBytes} of pages in all.
 */
public record KvLayout(int layers, int keyWidth, int valueWidth, int maxContext, int pageSize, long maxBytes) {

    /** Default page size: small enough that short sequences stay small, large enough to amortise allocation. */
    public static final int DEFAULT_PAGE_SIZE = 64;

    public KvLayout {
        if (layers <= 0 || keyWidth <= 0 || valueWidth <= 0) {
            throw new IllegalArgumentException("KV layout needs positive sizes: layers=" + layers
                    + " keyWidth=" + keyWidth + " valueWidth=" + valueWidth);
        }
        if (maxContext <= 0) {
            throw new IllegalArgumentException("maxContext must be positive, got " + maxContext);
        }
        if (pageSize <= 0 || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("pageSize must be a power of two, got " + pageSize);
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        if ((long) pageSize * Math.max(keyWidth, valueWidth) > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a page of " + pageSize + " positions is too large for width "
                    + Math.max(keyWidth, valueWidth));
        }
    }

    /** Bytes of one page of one layer, keys and values together. */
    public long pageBytes() {
        return (long) pageSize * (keyWidth + valueWidth) * Float.BYTES;
    }

    /** Number of pages a full-context sequence uses per layer. */
    public int maxPages() {
        return (int) ((maxContext + (long) pageSize - 1) / pageSize);
    }
}
