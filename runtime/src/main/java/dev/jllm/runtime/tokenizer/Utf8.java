package dev.jllm.runtime.tokenizer;

/**
 * UTF-8 conversions with the replacement rules the tokenizers need. Encoding turns an unpaired surrogate
 * into U+FFFD (the JDK would write '?'); decoding substitutes one U+FFFD per maximal invalid subpart (Unicode
 * "best practice"), the same rule the streaming decoder applies, so whole-text and streamed decoding agree.
 */
final class Utf8 {
    private Utf8() {
    }

    static byte[] encode(CharSequence text) {
        int n = text.length();
        byte[] out = new byte[n * 3];
        int o = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            int cp = c;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                cp = Character.toCodePoint(c, text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                cp = 0xFFFD;
            }
            o = put(cp, out, o);
        }
        return java.util.Arrays.copyOf(out, o);
    }

    /** Writes the UTF-8 form of a valid code point at {@code o}; returns the new offset. */
    static int put(int cp, byte[] out, int o) {
        if (cp < 0x80) {
            out[o++] = (byte) cp;
        } else if (cp < 0x800) {
            out[o++] = (byte) (0xC0 | (cp >> 6));
            out[o++] = (byte) (0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[o++] = (byte) (0xE0 | (cp >> 12));
            out[o++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (byte) (0x80 | (cp & 0x3F));
        } else {
            out[o++] = (byte) (0xF0 | (cp >> 18));
            out[o++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            out[o++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (byte) (0x80 | (cp & 0x3F));
        }
        return o;
    }

    static int length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    static String decode(byte[] bytes, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        Utf8Assembler a = new Utf8Assembler();
        for (int i = from; i < to; i++) {
            a.accept(bytes[i], sb);
        }
        a.finish(sb);
        return sb.toString();
    }

    static String decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }
}
