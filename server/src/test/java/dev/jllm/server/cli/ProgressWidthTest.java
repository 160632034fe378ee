package dev.jllm.server.cli;

import dev.jllm.api.ProgressEvent;
import dev.jllm.models.store.PullProgress;
import dev.jllm.models.store.PullStage;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Redrawn progress lines fit the terminal's width as it is at each redraw (a wider line would wrap). */
class ProgressWidthTest {

    private static PullProgress downloading(long done) {
        return new PullProgress(PullStage.DOWNLOADING, "hf.co/a/b:Q4_K_M", "dir/model-with-a-long-name.gguf",
                done << 20, 2048L << 20, 32 << 20, 48);
    }

    @Test
    void pullLinesFollowTheTerminalsWidth() {
        StringWriter s = new StringWriter();
        int[] width = {120};
        PullProgressPrinter p = new PullProgressPrinter(new PrintWriter(s), true, () -> width[0]);
        p.onProgress(downloading(512));
        width[0] = 50; // the window was made narrower
        p.onProgress(downloading(1024));
        String[] redraws = Arrays.stream(s.toString().split("\r")).filter(x -> !x.isEmpty()).toArray(String[]::new);
        assertThat(redraws).hasSize(2);
        assertThat(redraws[0]).hasSize(119).contains("model-with-a-long-name.gguf");
        assertThat(redraws[1]).hasSize(49).startsWith(" 50% [############............]");
    }

    @Test
    void serveLinesAreCutToTheWidthKeepingTheNumbers() {
        StringWriter s = new StringWriter();
        ServeProgressPrinter p = new ServeProgressPrinter(new PrintWriter(s), true, () -> 30);
        p.onProgress(ProgressEvent.bytes("downloading", "hf.co/owner/a-very-long-repository-name:Q4_K_M", 1 << 20,
                4 << 20));
        String line = s.toString().substring(s.toString().lastIndexOf("\033[K") + 3);
        assertThat(line).hasSize(29).startsWith("…").endsWith("1.0 MiB / 4.0 MiB (25%)");
        assertThat(ServeProgressPrinter.fit("short", 30)).isEqualTo("short");
        assertThat(ServeProgressPrinter.fit("no width known", 0)).isEqualTo("no width known");
    }

    @Test
    void widthsFromTheEnvironmentAreParsedStrictly() {
        assertThat(TerminalWidth.parse(" 132 ")).isEqualTo(132);
        assertThat(TerminalWidth.parse("wide")).isZero();
        assertThat(TerminalWidth.parse(null)).isZero();
        assertThat(TerminalWidth.parse("-5")).isZero();
    }
}
