package dev.jllm.runtime.tokenizer;

/**
 * A text being pre-tokenized: its code points, their {@link CodepointFlags}, and (built on first use) the two
 * stand-in strings llama.cpp runs its regular expressions over. Positions everywhere are code-point indices.
 */
final class SplitText {
    /** Stand-in for non-ASCII whitespace in both regex subjects: std::regex's {@code \s} is ASCII-only. */
    static final char COLLAPSED_WHITESPACE = 0x0B;

    /**
     * The marker of each category, indexed by its flag's bit ({@link CodepointFlags}: undefined, number, letter,
     * separator, mark, punctuation, symbol, control), as llama.cpp collapses them: 0xD1 numbers, 0xD2 letters,
     * 0xD3 punctuation, 0xD4 marks, 0xD5 symbols, 0xD0 the rest. {@link RegexSplitter} writes the same markers.
     */
    private static final String COLLAPSED_BY_CATEGORY = "\u00D0\u00D1\u00D2\u00D0\u00D4\u00D3\u00D5\u00D0";

    final int[] cps;
    final int[] flags;
    private String collapsed;
    private String wide;
    private int[] wideCharToCp;
    private int[] wideCpToChar;

    SplitText(String text) {
        // an unpaired surrogate cannot be UTF-8 encoded: it stands for invalid input, as U+FFFD does in llama.cpp
        this.cps = text.codePoints().map(cp -> cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp).toArray();
        this.flags = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            flags[i] = CodepointFlags.of(cps[i]);
        }
    }

    int length() {
        return cps.length;
    }

    /**
     * One char per code point: ASCII as is, anything else replaced by a marker for its category, so that a
     * regex using {@code \p{L}} etc. can be rewritten into a plain character class (llama.cpp's "collapsed"
     * text). Char offsets equal code-point offsets.
     */
    String collapsed() {
        if (collapsed == null) {
            char[] out = new char[cps.length];
            for (int i = 0; i < cps.length; i++) {
                out[i] = cps[i] < 0x80 ? (char) cps[i] : collapse(flags[i]);
            }
            collapsed = new String(out);
        }
        return collapsed;
    }

    /** The text itself with non-ASCII whitespace replaced, for regexes that use no Unicode categories. */
    String wide() {
        if (wide == null) {
            StringBuilder sb = new StringBuilder(cps.length + 8);
            int[] map = new int[cps.length * 2 + 1];
            int[] back = new int[cps.length + 1];
            for (int i = 0; i < cps.length; i++) {
                int cp = cps[i] > 0x7F && CodepointFlags.isWhitespace(flags[i]) ? COLLAPSED_WHITESPACE : cps[i];
                back[i] = sb.length();
                map[sb.length()] = i;
                sb.appendCodePoint(cp);
                if (Character.charCount(cp) == 2) {
                    map[sb.length() - 1] = i;
                }
            }
            map[sb.length()] = cps.length;
            back[cps.length] = sb.length();
            wide = sb.toString();
            wideCharToCp = map;
            wideCpToChar = back;
        }
        return wide;
    }

    /** Code-point index of a char offset into {@link #wide()}. */
    int wideCp(int charIndex) {
        return wideCharToCp[charIndex];
    }

    /** Char offset into {@link #wide()} of a code-point index. */
    int wideChar(int cpIndex) {
        return wideCpToChar[cpIndex];
    }

    private static char collapse(int f) {
        if (CodepointFlags.isWhitespace(f)) {
            return COLLAPSED_WHITESPACE;
        }
        int category = f & CodepointFlags.CATEGORY_MASK;
        return COLLAPSED_BY_CATEGORY.charAt(category == 0 ? 0 : Integer.numberOfTrailingZeros(category));
    }
}
