package dev.jllm.runtime.tokenizer;

/**
 * GPT-2's reversible byte-to-character mapping: every byte becomes a printable code point so a byte-level BPE
 * vocabulary can be stored as text. Printable Latin-1 bytes map to themselves; the 68 others (controls,
 * space, DEL, NBSP, soft hyphen ...) map to U+0100 upwards in byte order.
 */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Inverse mapping indexed by code point (all mapped code points are below 0x144); -1 = unmapped. */
    private static final short[] CHAR_TO_BYTE = new short[0x200];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, (short) -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = (short) b;
        }
    }

    private ByteLevel() {
    }

    static char encode(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a code point stands for, or -1 when it is not part of the mapping. */
    static int decode(int cp) {
        return cp >= 0 && cp < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[cp] : -1;
    }

    /** The UTF-8 bytes of {@code text}, each replaced by its mapped character. */
    static String encodeUtf8(String text) {
        byte[] bytes = Utf8.encode(text);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }
}
