package dev.jllm.runtime.tokenizer;

/**
 * Incremental UTF-8 decoder: bytes go in one at a time, complete characters come out. An incomplete sequence
 * is held back until it completes, so a character split across tokens (byte-fallback tokens, byte-level BPE
 * pieces) is never emitted in halves. A byte that cannot continue the pending sequence makes that sequence
 * definitely invalid: it becomes one U+FFFD and the byte is then read afresh (well-formedness per the Unicode
 * standard, table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
 */
final class Utf8Assembler {
    private static final char REPLACEMENT = '\uFFFD';

    private int needed;   // continuation bytes still expected
    private int cp;       // code point bits gathered so far
    private int lower = 0x80;
    private int upper = 0xBF;

    void accept(byte value, StringBuilder out) {
        int b = value & 0xFF;
        if (needed > 0) {
            if (b >= lower && b <= upper) {
                cp = (cp << 6) | (b & 0x3F);
                needed--;
                lower = 0x80;
                upper = 0xBF;
                if (needed == 0) {
                    out.appendCodePoint(cp);
                }
                return;
            }
            out.append(REPLACEMENT);
            reset();
        }
        start(b, out);
    }

    /** True while bytes of an unfinished character are held back. */
    boolean hasPending() {
        return needed > 0;
    }

    /** End of input: an unfinished character is invalid and becomes U+FFFD. */
    void finish(StringBuilder out) {
        if (needed > 0) {
            out.append(REPLACEMENT);
            reset();
        }
    }

    private void start(int b, StringBuilder out) {
        if (b < 0x80) {
            out.append((char) b);
            return;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            begin(1, b & 0x1F, 0x80, 0xBF);
        } else if (b == 0xE0) {
            begin(2, b & 0x0F, 0xA0, 0xBF);
        } else if (b == 0xED) {
            begin(2, b & 0x0F, 0x80, 0x9F);
        } else if (b >= 0xE1 && b <= 0xEF) {
            begin(2, b & 0x0F, 0x80, 0xBF);
        } else if (b == 0xF0) {
            begin(3, b & 0x07, 0x90, 0xBF);
        } else if (b >= 0xF1 && b <= 0xF3) {
            begin(3, b & 0x07, 0x80, 0xBF);
        } else if (b == 0xF4) {
            begin(3, b & 0x07, 0x80, 0x8F);
        } else {
            out.append(REPLACEMENT); // stray continuation byte, C0/C1 or F5..FF: never valid
        }
    }

    private void begin(int continuationBytes, int bits, int lo, int hi) {
        needed = continuationBytes;
        cp = bits;
        lower = lo;
        upper = hi;
    }

    private void reset() {
        needed = 0;
        cp = 0;
        lower = 0x80;
        upper = 0xBF;
    }
}
