package dev.jllm.models.gguf;

import dev.jllm.models.ModelFormatException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked little-endian reader over the mapped bytes of a GGUF file. Every read checks that the bytes
 * exist first, so a truncated or hostile file fails with a {@link ModelFormatException} saying where, never with
 * an out-of-bounds access or a huge allocation.
 */
final class GgufCursor {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** No single string in a sane model comes near this; it keeps a hostile length from allocating gigabytes. */
    static final long MAX_STRING_BYTES = 64L << 20;

    private final MemorySegment bytes;
    private final String file;
    private long pos;

    GgufCursor(MemorySegment bytes, String file) {
        this.bytes = bytes;
        this.file = file;
    }

    long position() {
        return pos;
    }

    long remaining() {
        return bytes.byteSize() - pos;
    }

    void seek(long position) {
        pos = position;
    }

    ModelFormatException error(String what) {
        return new ModelFormatException(file + ": " + what + " (at byte " + pos + " of " + bytes.byteSize() + ")");
    }

    private void need(long n, String what) {
        if (n < 0 || n > remaining()) {
            throw error("file ends inside " + what + " (needs " + Long.toUnsignedString(n) + " bytes, "
                    + remaining() + " left): truncated or corrupt");
        }
    }

    /** Moves past {@code n} bytes (all of which must be there) and returns where they start. */
    private long take(int n, String what) {
        need(n, what);
        long at = pos;
        pos += n;
        return at;
    }

    int u8(String what) {
        return Byte.toUnsignedInt(bytes.get(ValueLayout.JAVA_BYTE, take(1, what)));
    }

    short u16(String what) {
        return bytes.get(U16, take(2, what));
    }

    int u32(String what) {
        return bytes.get(U32, take(4, what));
    }

    long u64(String what) {
        return bytes.get(U64, take(8, what));
    }

    float f32(String what) {
        return Float.intBitsToFloat(u32(what)); // the same bits: NaN payloads survive
    }

    double f64(String what) {
        return Double.longBitsToDouble(u64(what));
    }

    /** A count of items each at least {@code minItemBytes} long: checked against the bytes left in the file. */
    long count(String what, long minItemBytes) {
        long n = u64(what + " count");
        if (n < 0 || (minItemBytes > 0 && n > remaining() / minItemBytes)) {
            throw error(what + " count " + Long.toUnsignedString(n) + " cannot fit in the rest of the file");
        }
        return n;
    }

    String string(String what) {
        long len = u64(what + " length");
        if (len < 0 || len > MAX_STRING_BYTES) {
            throw error(what + " has an absurd length " + Long.toUnsignedString(len));
        }
        need(len, what);
        byte[] b = bytes.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
        pos += len;
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            // Some real vocabularies hold tokens that are not valid UTF-8 on their own; keep them readable.
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    /** Copies {@code n} raw bytes (array payloads). */
    MemorySegment slice(long n, String what) {
        need(n, what);
        MemorySegment s = bytes.asSlice(pos, n);
        pos += n;
        return s;
    }
}
