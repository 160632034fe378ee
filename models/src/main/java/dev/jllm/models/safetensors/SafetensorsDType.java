package dev.jllm.models.safetensors;

import dev.jllm.models.ModelFormatException;

/**
 * The element types of the safetensors format, with their sizes. All are recognised so a header can be
 * validated whatever it holds; which ones a consumer can compute with is that consumer's decision.
 */
public enum SafetensorsDType {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4),
    F64(8), I64(8), U64(8);

    private final int byteSize;

    SafetensorsDType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The type named {@code name} in a header, or a clear error naming it. */
    public static SafetensorsDType fromName(String name, String where) {
        for (SafetensorsDType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new ModelFormatException(where + ": unknown safetensors dtype '" + name + "'");
    }
}
