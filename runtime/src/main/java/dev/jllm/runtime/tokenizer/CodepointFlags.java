package dev.jllm.runtime.tokenizer;

/**
 * Unicode classification of a code point the way llama.cpp's tokenizers see it: one general-category flag
 * (letter, number, punctuation, ...) plus a whitespace flag from a fixed list. The pre-tokenizers and the
 * WordPiece normaliser branch on these flags, so they must follow llama.cpp's table, not Java's notion of
 * whitespace ({@link Character#isWhitespace} differs: it excludes U+00A0 and includes U+001C..U+001F).
 *
 * <p>Categories come from {@link Character#getType}, i.e. the JDK's Unicode version; llama.cpp's table was
 * generated from an earlier Unicode release, so code points assigned only in newer versions may differ.
 */
final class CodepointFlags {
    static final int UNDEFINED = 0x0001;
    static final int NUMBER = 0x0002;
    static final int LETTER = 0x0004;
    static final int SEPARATOR = 0x0008;
    static final int MARK = 0x0010;
    static final int PUNCTUATION = 0x0020;
    static final int SYMBOL = 0x0040;
    static final int CONTROL = 0x0080;
    static final int CATEGORY_MASK = 0x00FF;
    static final int WHITESPACE = 0x0100;

    /** Flags of a position outside the current segment: no bit set (llama.cpp's "empty" flags). */
    static final int NONE = 0;

    /** Flags of every BMP code point, computed once; supplementary code points are classified on demand. */
    private static final short[] BMP = new short[0x10000];

    static {
        for (int cp = 0; cp < BMP.length; cp++) {
            BMP[cp] = (short) compute(cp);
        }
    }

    private CodepointFlags() {
    }

    static int of(int cp) {
        if (cp >= 0 && cp < BMP.length) {
            return BMP[cp];
        }
        if (cp < 0 || cp > Character.MAX_CODE_POINT) {
            return UNDEFINED;
        }
        return compute(cp);
    }

    static boolean isWhitespace(int flags) {
        return (flags & WHITESPACE) != 0;
    }

    static boolean isLetter(int flags) {
        return (flags & LETTER) != 0;
    }

    static boolean isNumber(int flags) {
        return (flags & NUMBER) != 0;
    }

    static boolean isMark(int flags) {
        return (flags & MARK) != 0;
    }

    private static int compute(int cp) {
        int flags = category(Character.getType(cp));
        if (isListedWhitespace(cp)) {
            flags |= WHITESPACE;
        }
        return flags;
    }

    /** The White_Space property list llama.cpp uses (PropList.txt). */
    private static boolean isListedWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    private static int category(int type) {
        return switch (type) {
            case Character.UNASSIGNED -> UNDEFINED;
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> CONTROL;
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> MARK;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                 Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                 Character.OTHER_SYMBOL -> SYMBOL;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> SEPARATOR;
            default -> UNDEFINED;
        };
    }
}
