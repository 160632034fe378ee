package dev.jllm.runtime.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written pre-tokenizer scanners against the regular expressions they stand for (run through the
 * generic regex path), on random text mixing the character classes that matter.
 */
class SplitterTest {
    /** Letters, digits, marks, punctuation, symbols, ASCII and Unicode whitespace, newlines, apostrophes. */
    private static final int[] ALPHABET = {'a', 'Z', 's', 't', 'l', 'e', 'r', 'v', 'm', 'd', 'S', 'T', 'L', 'E',
            '0', '7', '\'', '\'', ' ', ' ', ' ', '\t', '\n', '\r', '!', '.', ',', '(', '$', '+', '^', '`', '|', '~',
            '_', 0xA0, 0x3000, 0x2028, 0x85, 0xE9, 0x0301, 0x0915, 0x093F, 0x4E2D, 0x00BD, 0x0661, 0x2160,
            0x1F600, 0x200D, 0xFE0F, 0x1C, 0x1F, 0x7F, 0, 0xE000, 0x0378};

    @Test
    void gpt2ScannerMatchesItsRegex() {
        // llama.cpp's scanner also applies "\s+" after "\s+(?!\S)" fails (the GPT-2 pattern lists both)
        compare(new Gpt2Splitter(), new RegexSplitter(PreTokenizers.GPT2 + "|\\s+"), 1);
    }

    @Test
    void llama3ScannerMatchesItsRegex() {
        compare(Gpt4Splitter.LLAMA3, new RegexSplitter(PreTokenizers.LLAMA3), 2);
    }

    @Test
    void qwen2ScannerMatchesItsRegex() {
        compare(Gpt4Splitter.QWEN2, new RegexSplitter(PreTokenizers.QWEN2), 3);
    }

    @Test
    void qwen35ScannerMatchesItsRegex() {
        compare(Gpt4Splitter.QWEN35, new RegexSplitter(PreTokenizers.QWEN35), 4);
    }

    @Test
    void newlineScannerMatchesItsRegex() {
        compare(new NewlineSplitter(), new RegexSplitter(PreTokenizers.NEWLINES), 5);
    }

    @Test
    void knownSplits() {
        assertThat(split(new Gpt2Splitter(), "Hello world  it's 2024!!")).containsExactly(
                "Hello", " world", " ", " it", "'s", " 2024", "!!");
        assertThat(split(Gpt4Splitter.LLAMA3, "I'M 1234567 ok\n\n  x")).containsExactly(
                "I", "'M", " ", "123", "456", "7", " ok", "\n\n", " ", " x");
        assertThat(split(Gpt4Splitter.QWEN2, "ab12")).containsExactly("ab", "1", "2");
    }

    @Test
    void regexTranslationFollowsEcmaScriptMeanings() {
        assertThat(RegexSplitter.translate("\\s+$", false)).isEqualTo("\\s+\\z");
        assertThat(RegexSplitter.translate("[a[b&&c]$", false)).isEqualTo("[a\\[b\\&\\&c]\\z");
        assertThat(RegexSplitter.translate("[^\\s\\p{L}]+| ?\\p{N}", true))
                .isEqualTo("[^\\s\\x{D2}A-Za-z]+| ?[\\x{D1}0-9]");
        assertThat(split(new RegexSplitter("\\s+$"), "a  b  ")).containsExactly("a  b", "  ");
    }

    @Test
    void regexStagesStayInsideTheirSegments() {
        // "\\s+(?!\\S)" at a segment end may not look into the next segment
        PreTokenizer p = new PreTokenizer("t", List.of(new RegexSplitter("[\r\n]"),
                new RegexSplitter("\\s+(?!\\S)|\\S+")), true, false, false, false, false);
        assertThat(p.split("a  \nb")).containsExactly("a", "  ", "\n", "b");
    }

    private static void compare(Splitter scanner, Splitter regex, long seed) {
        Random rnd = new Random(seed);
        for (int round = 0; round < 3000; round++) {
            String text = randomText(rnd, 1 + rnd.nextInt(24));
            // also split into two segments somewhere, to exercise segment ends
            SplitText t = new SplitText(text);
            IntList segs = new IntList();
            int cut = t.length() > 1 ? rnd.nextInt(t.length()) : 0;
            if (cut > 0) {
                segs.add(cut);
            }
            segs.add(t.length() - cut);
            int[] a = scanner.split(t, segs).toArray();
            int[] b = regex.split(t, segs).toArray();
            assertThat(a).as("text %s (cut at %d)", escape(text), cut).containsExactly(b);
        }
    }

    private static List<String> split(Splitter s, String text) {
        PreTokenizer p = new PreTokenizer("t", List.of(s), true, false, false, false, false);
        return p.split(text);
    }

    private static String randomText(Random rnd, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(ALPHABET[rnd.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    private static String escape(String s) {
        List<String> parts = new ArrayList<>();
        s.codePoints().forEach(cp -> parts.add(cp >= 0x20 && cp < 0x7F ? String.valueOf((char) cp) : String.format("\\u%04X", cp)));
        return "\"" + String.join("", parts) + "\"";
    }
}
