package dev.jllm.runtime.tokenizer;

import static dev.jllm.runtime.tokenizer.CodepointFlags.isLetter;
import static dev.jllm.runtime.tokenizer.CodepointFlags.isNumber;
import static dev.jllm.runtime.tokenizer.CodepointFlags.isWhitespace;

/**
 * GPT-2's pre-tokenizer {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}
 * as a hand-written scanner, the way llama.cpp runs it (it does not use a regex engine for this pattern).
 * Contractions are case-sensitive; a whitespace run followed by non-whitespace leaves its last character to
 * prefix the next word.
 */
record Gpt2Splitter() implements Splitter {

    @Override
    public IntList split(SplitText text, IntList segments) {
        return Splitter.eachSegment(segments, (start, end, out) -> splitSegment(text, start, end, out));
    }

    private static void splitSegment(SplitText t, int ini, int end, IntList out) {
        int[] cps = t.cps;
        int pos = ini;
        while (pos < end) {
            int cp = cps[pos];
            int flags = t.flags[pos];
            int from = pos;

            int contraction = contractionLength(cps, pos, end, false);
            if (contraction > 0) {
                pos += contraction;
                out.add(contraction);
                continue;
            }

            int f2 = cp == ' ' ? flagsAt(t, pos + 1, end) : flags;
            if (isLetter(f2)) {                                   // " ?\p{L}+"
                pos += cp == ' ' ? 1 : 0;
                while (isLetter(flagsAt(t, pos, end))) {
                    pos++;
                }
                out.add(pos - from);
                continue;
            }
            if (isNumber(f2)) {                                   // " ?\p{N}+"
                pos += cp == ' ' ? 1 : 0;
                while (isNumber(flagsAt(t, pos, end))) {
                    pos++;
                }
                out.add(pos - from);
                continue;
            }
            if (isOther(f2)) {                                    // " ?[^\s\p{L}\p{N}]+"
                pos += cp == ' ' ? 1 : 0;
                while (isOther(flagsAt(t, pos, end))) {
                    pos++;
                }
                out.add(pos - from);
                continue;
            }

            int spaces = 0;
            while (isWhitespace(flagsAt(t, pos + spaces, end))) {
                spaces++;
            }
            pos = whitespaceEnd(pos, spaces, end);
            out.add(pos - from);
        }
    }

    /** Neither whitespace, letter nor number, and inside the segment. */
    private static boolean isOther(int flags) {
        return flags != CodepointFlags.NONE && !isWhitespace(flags) && !isLetter(flags) && !isNumber(flags);
    }

    /**
     * Where the last alternatives, {@code \s+(?!\S)|\s+}, end for a run of {@code spaces} whitespace code points at
     * {@code pos}: a run followed by a word leaves its last one to prefix that word; no run takes one code point.
     */
    static int whitespaceEnd(int pos, int spaces, int end) {
        if (spaces > 1 && pos + spaces < end) {
            return pos + spaces - 1;
        }
        return pos + Math.max(1, spaces);
    }

    /**
     * The length of the contraction {@code 's|'t|'re|'ve|'m|'ll|'d} at {@code pos} (case-insensitive for GPT-4's
     * pattern), or 0.
     */
    static int contractionLength(int[] cps, int pos, int end, boolean ignoreCase) {
        if (cps[pos] != '\'' || pos + 1 >= end) {
            return 0;
        }
        int next = ignoreCase ? Character.toLowerCase(cps[pos + 1]) : cps[pos + 1];
        if (next == 's' || next == 't' || next == 'm' || next == 'd') {
            return 2;
        }
        if (pos + 2 < end) {
            int next2 = ignoreCase ? Character.toLowerCase(cps[pos + 2]) : cps[pos + 2];
            if ((next == 'r' && next2 == 'e') || (next == 'v' && next2 == 'e') || (next == 'l' && next2 == 'l')) {
                return 3;
            }
        }
        return 0;
    }

    static int flagsAt(SplitText t, int pos, int end) {
        return pos < end ? t.flags[pos] : CodepointFlags.NONE;
    }
}
