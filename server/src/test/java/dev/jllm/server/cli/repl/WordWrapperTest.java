package dev.jllm.server.cli.repl;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WordWrapperTest {

    private static String wrap(int width, List<String> pieces) {
        StringWriter s = new StringWriter();
        WordWrapper w = new WordWrapper(new PrintWriter(s), () -> width);
        pieces.forEach(w::write);
        w.finish();
        return s.toString();
    }

    @Test
    void wrapsOnWordBoundariesWhilePiecesSplitWords() {
        // The pieces end mid-word, as tokens do; no line may be wider than 12 and no word may be cut.
        String out = wrap(12, List.of("Once up", "on a ti", "me there ", "was a little", " dog named Max."));
        assertThat(out).isEqualTo("Once upon a\ntime there\nwas a little\ndog named\nMax.\n");
        assertThat(out.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(12));
    }

    @Test
    void keepsTheAnswersOwnLineBreaksAndIndentation() {
        assertThat(wrap(20, List.of("one\n  two\n\nthree"))).isEqualTo("one\n  two\n\nthree\n");
    }

    @Test
    void breaksAWordLongerThanALine() {
        assertThat(wrap(5, List.of("ab abcdefghijkl cd"))).isEqualTo("ab\nabcde\nfghij\nkl cd\n");
    }

    @Test
    void countsWideCharactersAsTwoColumns() {
        // 日本 takes 4 columns: "ab 日本" is 7 wide, so with width 6 it goes to the next line.
        assertThat(wrap(6, List.of("ab 日本"))).isEqualTo("ab\n日本\n");
    }

    @Test
    void writesUnchangedWhenTheWidthIsUnknown() {
        assertThat(wrap(0, List.of("a very long line that would wrap ", "anywhere"))).isEqualTo(
                "a very long line that would wrap anywhere\n");
    }

    @Test
    void followsAResizedTerminal() {
        StringWriter s = new StringWriter();
        int[] width = {40};
        WordWrapper w = new WordWrapper(new PrintWriter(s), () -> width[0]);
        w.write("alpha beta gamma ");
        width[0] = 12;
        w.write("delta epsilon");
        w.finish();
        assertThat(s.toString()).isEqualTo("alpha beta gamma\ndelta\nepsilon\n");
    }
}
