package dev.jllm.models.gguf;

import dev.jllm.models.ModelFormatException;

/** Types of GGUF metadata values, with their on-disk ids and the fixed size of their scalar encoding. */
public enum GgufValueType {
    UINT8(1), INT8(1), UINT16(2), INT16(2), UINT32(4), INT32(4), FLOAT32(4), BOOL(1),
    /** u64 length + UTF-8 bytes. */
    STRING(8),
    /** element type u32 + count u64 + elements. */
    ARRAY(12),
    UINT64(8), INT64(8), FLOAT64(8);

    private final int minBytes;

    GgufValueType(int minBytes) {
        this.minBytes = minBytes;
    }

    public int id() {
        return ordinal();
    }

    /** The fewest bytes one value of this type occupies in a file: bounds hostile element counts. */
    int minBytes() {
        return minBytes;
    }

    public static GgufValueType fromId(int id) {
        GgufValueType[] all = values();
        if (id < 0 || id >= all.length) {
            throw new ModelFormatException("unknown GGUF metadata value type " + Integer.toUnsignedString(id));
        }
        return all[id];
    }
}
