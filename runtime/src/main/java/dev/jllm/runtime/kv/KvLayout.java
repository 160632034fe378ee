package dev.jllm.runtime.kv;

/**
 * The shape of a KV cache: per position and layer, {@code keyWidth} key elements and {@code valueWidth}
 * value elements of {@code type}; at most {@code maxContext} positions per sequence; storage grows in pages of
 * {@code pageSize} positions (a power of two); at most {@code maxBytes} of pages in all.
 */
public record KvLayout(int layers, int keyWidth, int valueWidth, int maxContext, int pageSize, long maxBytes,
                       KvType type) {

    /** Default page size: small enough that short sequences stay small, large enough to amortise allocation. */
    public static final int DEFAULT_PAGE_SIZE = 64;

    /** An F32 layout. */
    public KvLayout(int layers, int keyWidth, int valueWidth, int maxContext, int pageSize, long maxBytes) {
        this(layers, keyWidth, valueWidth, maxContext, pageSize, maxBytes, KvType.F32);
    }

    public KvLayout {
        java.util.Objects.requireNonNull(type, "type");
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
        if (keyWidth % type.blockSize() != 0 || valueWidth % type.blockSize() != 0) {
            throw new IllegalArgumentException("kv_type " + type + " needs key and value widths that are multiples of "
                    + type.blockSize() + ", got " + keyWidth + " and " + valueWidth);
        }
    }

    /** Bytes of one page of one layer, keys and values together. */
    public long pageBytes() {
        return pageSize * positionBytes();
    }

    /** Bytes of one position of one layer, keys and values together: what {@link #type} stores per token. */
    public long positionBytes() {
        return type.bytes(keyWidth) + type.bytes(valueWidth);
    }

    /** The rows of {@link #type}, vector or scalar. */
    public KvRows rows(boolean vectorized) {
        return KvRows.of(type, vectorized);
    }

    /** Number of pages a full-context sequence uses per layer. */
    public int maxPages() {
        return (int) ((maxContext + (long) pageSize - 1) / pageSize);
    }
}
