package dev.jllm.server.cli.repl;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ReplInputTest {

    private static LineSource lines(String text) {
        return new StreamLines(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(new StringWriter()));
    }

    @Test
    void tripleQuotesMakeOneMessageOfSeveralLines() throws Exception {
        LineSource in = lines("\"\"\"first\n/not a command\n\nlast\"\"\"\nnext\n");
        Entry e = Entry.read(in);
        assertThat(e.text()).isEqualTo("first\n/not a command\n\nlast");
        assertThat(e.block()).isTrue();
        assertThat(e.isCommand()).isFalse();
        assertThat(Entry.read(in)).isEqualTo(new Entry("next", false));
        assertThat(Entry.read(in)).isNull();
    }

    @Test
    void quotesOnTheirOwnLinesAndOnOneLine() throws Exception {
        LineSource in = lines("\"\"\"\nalpha\nbeta\n\"\"\"\n\"\"\"one line\"\"\"\n/bye\n");
        assertThat(Entry.read(in).text()).isEqualTo("alpha\nbeta");
        assertThat(Entry.read(in).text()).isEqualTo("one line");
        Entry bye = Entry.read(in);
        assertThat(bye.isCommand()).isTrue();
        assertThat(bye.text()).isEqualTo("/bye");
    }

    @Test
    void aBlockCutShortByTheEndOfInputIsStillSent() throws Exception {
        LineSource in = lines("\"\"\"unfinished\nblock\n");
        assertThat(Entry.read(in).text()).isEqualTo("unfinished\nblock");
        assertThat(Entry.read(in)).isNull();
    }

    @Test
    void commandWordsKeepQuotedSpaces() {
        assertThat(ReplCommands.words("/set parameter stop \"The end\" ###"))
                .containsExactly("/set", "parameter", "stop", "The end", "###");
        assertThat(ReplCommands.afterWords("/set  system   You are  terse.", 2)).isEqualTo("You are  terse.");
    }
}
