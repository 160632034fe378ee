package dev.jllm.runtime.tokenizer;

import static dev.jllm.runtime.tokenizer.CodepointFlags.isLetter;
import static dev.jllm.runtime.tokenizer.CodepointFlags.isMark;
import static dev.jllm.runtime.tokenizer.CodepointFlags.isNumber;
import static dev.jllm.runtime.tokenizer.CodepointFlags.isWhitespace;
import static dev.jllm.runtime.tokenizer.Gpt2Splitter.flagsAt;

/**
 * The GPT-4 / Llama 3 family of pre-tokenizers as llama.cpp scans them by hand:
 * {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,K}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}.
 *
 * @param maxDigits    K: 3 for Llama 3, 1 for Qwen 2
 * @param lettersTakeMarks true for Qwen 3.5, whose letter runs are {@code [\p{L}\p{M}]+} and whose
 *                     punctuation runs exclude marks
 */
record Gpt4Splitter(int maxDigits, boolean lettersTakeMarks) implements Splitter {

    static final Gpt4Splitter LLAMA3 = new Gpt4Splitter(3, false);
    static final Gpt4Splitter QWEN2 = new Gpt4Splitter(1, false);
    static final Gpt4Splitter QWEN35 = new Gpt4Splitter(1, true);

    @Override
    public IntList split(SplitText text, IntList segments) {
        return Splitter.eachSegment(segments, (start, end, out) -> splitSegment(text, start, end, out));
    }

    private void splitSegment(SplitText t, int ini, int end, IntList out) {
        int[] cps = t.cps;
        int pos = ini;
        while (pos < end) {
            int cp = cps[pos];
            int flags = t.flags[pos];
            int from = pos;

            int contraction = Gpt2Splitter.contractionLength(cps, pos, end, true);
            if (contraction > 0) {
                pos += contraction;
                out.add(contraction);
                continue;
            }

            // "[^\r\n\p{L}\p{N}]?\p{L}+": any one non-newline, non-number character may lead a letter run
            if (!(cp == '\r' || cp == '\n' || isNumber(flags))) {
                if (isWordChar(flags) || isWordChar(flagsAt(t, pos + 1, end))) {
                    pos++;
                    while (isWordChar(flagsAt(t, pos, end))) {
                        pos++;
                    }
                    out.add(pos - from);
                    continue;
                }
            }

            if (isNumber(flags)) {                               // "\p{N}{1,K}": runs cut into groups of K
                int groupStart = pos;
                while (isNumber(flagsAt(t, pos, end))) {
                    pos++;
                    if (pos - groupStart >= maxDigits) {
                        out.add(pos - groupStart);
                        groupStart = pos;
                    }
                }
                if (pos > groupStart) {
                    out.add(pos - groupStart);
                }
                continue;
            }

            // " ?[^\s\p{L}\p{N}]+[\r\n]*" (llama.cpp tests the unshifted flags for "inside the segment")
            int f2 = cp == ' ' ? flagsAt(t, pos + 1, end) : flags;
            if (isOther(f2) && flags != CodepointFlags.NONE) {
                pos += cp == ' ' ? 1 : 0;
                while (isOther(flagsAt(t, pos, end)) && flagsAt(t, pos, end) != CodepointFlags.NONE) {
                    pos++;
                }
                while (pos < end && (cps[pos] == '\r' || cps[pos] == '\n')) {
                    pos++;
                }
                out.add(pos - from);
                continue;
            }

            int spaces = 0;
            int afterLastNewline = -1;
            while (isWhitespace(flagsAt(t, pos + spaces, end))) {
                int c = cps[pos + spaces];
                if (c == '\r' || c == '\n') {
                    afterLastNewline = pos + spaces + 1;
                }
                spaces++;
            }
            // "\s*[\r\n]+", else "\s+(?!\S)|\s+"
            pos = afterLastNewline >= 0 ? afterLastNewline : Gpt2Splitter.whitespaceEnd(pos, spaces, end);
            out.add(pos - from);
        }
    }

    private boolean isWordChar(int flags) {
        return isLetter(flags) || (lettersTakeMarks && isMark(flags));
    }

    /** Not whitespace, letter or number (nor mark, for Qwen 3.5). NONE counts as "other" here, as in llama.cpp. */
    private boolean isOther(int flags) {
        return !(isWhitespace(flags) || isLetter(flags) || isNumber(flags) || (lettersTakeMarks && isMark(flags)));
    }
}
