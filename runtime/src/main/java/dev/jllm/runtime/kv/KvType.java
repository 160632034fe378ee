package dev.jllm.runtime.kv;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The element type of a KV cache, by llama.cpp's names ({@code -ctk} / {@code -ctv}): what one position of one
 * layer costs, and which block constraint a row must meet.
 *
 * <ul>
 *   <li>{@link #F32}: 4 bytes per element, exact (the reference).</li>
 *   <li>{@link #F16}: IEEE half floats, 2 bytes per element; llama.cpp's default.</li>
 *   <li>{@link #Q8_0}: GGML's Q8_0 blocks (a half-float scale and 32 signed bytes), 34 bytes per 32 elements;
 *       as in llama.cpp, every head's width must be a multiple of 32 so that no block straddles two heads.</li>
 * </ul>
 */
public enum KvType {
    F32,
    F16,
    Q8_0;

    /** What the command lines say about {@code --kv-type} (a constant, for picocli's annotations). */
    public static final String HELP = "KV cache type: f32, f16 (half f32's memory) or q8_0 (about a quarter; head"
            + " widths a multiple of 32); auto = f16, as llama.cpp";

    /** The value that lets the engine choose ({@link #AUTO_CHOICE}). */
    public static final String AUTO = "auto";

    /**
     * What {@code auto} means: F16, as llama.cpp's default. It halves the memory of F32 for a change of the logits
     * within llama.cpp's own F16-vs-F32 gap and fits every head width (docs/design.md, "KV cache types").
     */
    public static final KvType AUTO_CHOICE = F16;

    /** The name used in configs and on the command line ({@code f32}, {@code f16}, {@code q8_0}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Elements per block: a row's width must be a multiple of it. */
    public int blockSize() {
        return this == Q8_0 ? 32 : 1;
    }

    /** Bytes that {@code elements} elements (a multiple of {@link #blockSize()}) take. */
    public long bytes(long elements) {
        return switch (this) {
            case F32 -> elements * Float.BYTES;
            case F16 -> elements * Short.BYTES;
            case Q8_0 -> elements / 32 * 34; // a half-float scale and 32 bytes per block
        };
    }

    /**
     * The type named {@code name} (case-insensitive; {@code auto}, null or blank: {@link #AUTO_CHOICE}).
     *
     * @throws IllegalArgumentException naming {@code kv_type} and the accepted values
     */
    public static KvType parse(String name) {
        if (name == null || name.isBlank() || name.strip().equalsIgnoreCase(AUTO)) {
            return AUTO_CHOICE;
        }
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (KvType t : values()) {
            if (t.id().equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("kv_type '" + name + "' is not a KV cache type; accepted: " + AUTO + ", "
                + Arrays.stream(values()).map(KvType::id).collect(Collectors.joining(", ")));
    }

    /**
     * Checks that heads of {@code keyLength} and {@code valueLength} elements fit the blocks of this type.
     *
     * @throws IllegalArgumentException naming the type and the head width, as llama.cpp refuses the context
     */
    public void checkHeads(int keyLength, int valueLength) {
        for (int width : new int[] {keyLength, valueLength}) {
            if (width % blockSize() != 0) {
                throw new IllegalArgumentException("kv_type " + id() + " stores blocks of " + blockSize()
                        + " elements, which do not divide this model's head width of " + width
                        + "; use f16 or f32");
            }
        }
    }

    @Override
    public String toString() {
        return id();
    }
}
