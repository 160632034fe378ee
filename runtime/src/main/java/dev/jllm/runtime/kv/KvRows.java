package dev.jllm.runtime.kv;

/**
 * How keys or values of one {@link KvType} are stored in a page and read back by attention. A page holds
 * {@code pageSize} rows of one width, as one array ({@code float[]}, {@code short[]} or {@code byte[]}); an element
 * is addressed by its index in the page ({@code position-in-page * width + element}).
 *
 * <p>Attention reads a head's slice of a row: {@link #dot} with a query, {@link #axpy} into the output. Both decode
 * on the fly, so a cache of half floats or bytes never exists as floats. Each type has a scalar reference and a
 * Vector API path (chosen like the kernels, {@code vectorized}); a result depends only on the stored row and the
 * arguments, never on the batch or the thread, so batching stays bit-identical for every type.
 */
public abstract sealed class KvRows permits F32Rows, F16Rows, Q8Rows {

    private static final KvRows[] SCALAR = {new F32Rows(false), new F16Rows(false), new Q8Rows(false)};
    private static final KvRows[] VECTOR = {new F32Rows(true), new F16Rows(true), new Q8Rows(true)};

    private final KvType type;
    protected final boolean vectorized;

    KvRows(KvType type, boolean vectorized) {
        this.type = type;
        this.vectorized = vectorized;
    }

    /** The rows of {@code type}, on the Vector API when {@code vectorized}. */
    public static KvRows of(KvType type, boolean vectorized) {
        return (vectorized ? VECTOR : SCALAR)[type.ordinal()];
    }

    public KvType type() {
        return type;
    }

    /** A zeroed page of {@code elements} elements (a multiple of the type's block size). */
    public Object newPage(int elements) {
        return switch (type) {
            case F32 -> new float[elements];
            case F16 -> new short[elements];
            case Q8_0 -> new byte[Math.toIntExact(type.bytes(elements))];
        };
    }

    /** An independent copy of {@code page} (copy-on-write of a shared page). */
    public Object copy(Object page) {
        return switch (page) {
            case float[] f -> f.clone();
            case short[] h -> h.clone();
            case byte[] q -> q.clone();
            default -> throw new IllegalArgumentException("not a KV page: " + page);
        };
    }

    /** Stores {@code n} floats of {@code src} (a whole row: a multiple of the block size) at element {@code at}. */
    public abstract void store(float[] src, int srcOff, Object page, int at, int n);

    /** Decodes {@code n} elements from element {@code at} into {@code out}. */
    public abstract void load(Object page, int at, float[] out, int outOff, int n);

    /** {@code sum(q[qOff + i] * row[at + i])} for {@code i < n} ({@code at}, {@code n} block-aligned). */
    public abstract float dot(float[] q, int qOff, Object page, int at, int n);

    /** {@code y[yOff + i] += a * row[at + i]} for {@code i < n} ({@code at}, {@code n} block-aligned). */
    public abstract void axpy(float a, Object page, int at, float[] y, int yOff, int n);
}
