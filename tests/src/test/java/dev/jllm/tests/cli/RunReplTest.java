package dev.jllm.tests.cli;

import dev.jllm.models.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jllm run} in a real terminal (a tmux pane), typed at as a user types: a streamed, word-wrapped answer;
 * Ctrl-C in the middle of an answer stops it and the chat goes on; a {@code """} block is one message; a chat
 * longer than the context drops its oldest turns and goes on; {@code /bye} ends it with status 0.
 */
class RunReplTest {
    private static final int COLUMNS = 90;
    private static final Duration START = Duration.ofSeconds(180);
    private static final Duration ANSWER = Duration.ofSeconds(120);

    @TempDir
    Path home;

    @Test
    void chatInATerminal() throws Exception {
        TmuxPane.requireTmux();
        Path model = TestData.stories260k();
        Map<String, String> env = Map.of("JLLM_HOME", home.toString(), "JLLM_HOST", "127.0.0.1:" + closedPort());
        try (TmuxPane pane = TmuxPane.start(JllmJar.command("run", model.toString(), "--threads", "1",
                "--seed", "7"), env,
                COLUMNS, 40)) {
            // No server answers at JLLM_HOST: the engine runs in this process, and the first line says so.
            String screen = pane.await("the chat to start", s -> s.contains("Send a message"), START);
            assertThat(screen).contains("jllm: running in this process (no server at http://127.0.0.1:");
            awaitPrompt(pane, 1);

            // 1. A long answer streams in (the screen grows while it comes); Ctrl-C stops it, the chat stays.
            send(pane, "/set parameter num_predict -1");
            awaitPrompt(pane, 2);
            send(pane, "Tell me a long story about a dog");
            // Two lines means the answer was wrapped once at least; then it must keep growing.
            String early = pane.await("the answer to fill two lines",
                    s -> answerAfter(s, "Tell me a long story").lines().count() >= 2, ANSWER);
            int seen = answerAfter(early, "Tell me a long story").length();
            pane.await("more of the answer", s -> answerAfter(s, "Tell me a long story").length() > seen + 20,
                    ANSWER);
            assertThat(pane.screen()).as("the answer ended on its own before Ctrl-C").doesNotEndWith(">>>");
            pane.ctrlC();
            screen = pane.await("the answer to stop", s -> s.contains("(answer stopped)"), ANSWER);
            awaitPrompt(pane, 3);
            String stopped = answerAfter(screen, "Tell me a long story");
            stopped = stopped.substring(0, stopped.indexOf("(answer stopped)"));
            // Wrapped by jllm at word boundaries: tmux did not have to wrap any line (-J would have joined it).
            assertThat(stopped.lines()).as("lines within %d columns", COLUMNS)
                    .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(COLUMNS));
            assertThat(stopped.lines().count()).as(stopped).isGreaterThanOrEqualTo(2);
            Thread.sleep(1000); // a generation that went on would keep printing
            assertThat(pane.lastLine()).isEqualTo(">>>");

            // 2. The next message is answered in full.
            send(pane, "/set parameter num_predict 16");
            awaitPrompt(pane, 4);
            send(pane, "Hello there");
            awaitPrompt(pane, 5);
            assertThat(answerAfter(pane.screen(), "Hello there").strip()).isNotEmpty();
            assertThat(turns(pane, 6)).isEqualTo(2);

            // 3. A """ block: several lines, one message (one more turn).
            pane.type("\"\"\"");
            pane.enter();
            pane.await("the continuation prompt", s -> pane.lastLine().equals("..."), ANSWER);
            pane.type("first line");
            pane.enter();
            pane.type("/second line\"\"\"");
            pane.enter();
            awaitPrompt(pane, 7);
            assertThat(pane.screen()).doesNotContain("unknown command");
            assertThat(turns(pane, 8)).isEqualTo(3);

            // 4. A chat longer than the context: the oldest turns go, the chat goes on.
            send(pane, "/set parameter num_ctx 128");
            awaitPrompt(pane, 9);
            send(pane, "/set parameter num_predict 24");
            int prompts = 10;
            awaitPrompt(pane, prompts);
            for (int i = 1; i <= 8 && !pane.screen().contains("dropped the oldest"); i++) {
                send(pane, "Hi " + i);
                awaitPrompt(pane, ++prompts);
            }
            assertThat(pane.screen()).containsPattern(
                    "\\(the conversation outgrew the context: dropped the oldest (turn|\\d+ turns)\\)");
            send(pane, "One more");
            awaitPrompt(pane, ++prompts);
            assertThat(answerAfter(pane.screen(), "One more").strip()).isNotEmpty();

            // 5. /bye ends the program with status 0; the history file has what was typed.
            send(pane, "/bye");
            pane.await("the program to end", s -> s.contains("[exited 0]"), ANSWER);
        }
        String history = Files.readString(home.resolve("history"), StandardCharsets.UTF_8);
        assertThat(history).contains("Tell me a long story about a dog", "/bye");
    }

    private static void send(TmuxPane pane, String line) {
        pane.type(line);
        pane.enter();
    }

    /** Waits until the chat shows its n-th prompt and waits for input there. */
    private static void awaitPrompt(TmuxPane pane, int n) {
        pane.await("prompt " + n, s -> prompts(s) >= n && pane.lastLine().equals(">>>"), ANSWER);
    }

    private static int prompts(String screen) {
        int n = 0;
        for (String l : screen.split("\n")) {
            if (l.startsWith(">>>")) {
                n++;
            }
        }
        return n;
    }

    /** What the chat printed after the (last) line on which {@code message} was entered, up to the next prompt. */
    private static String answerAfter(String screen, String message) {
        int at = screen.lastIndexOf(">>> " + message);
        if (at < 0) {
            return "";
        }
        int start = screen.indexOf('\n', at);
        if (start < 0) {
            return "";
        }
        int end = screen.indexOf("\n>>>", start);
        return screen.substring(start + 1, end < 0 ? screen.length() : end);
    }

    /** The number of turns {@code /show info} reports. */
    private static int turns(TmuxPane pane, int promptAfter) {
        send(pane, "/show info");
        awaitPrompt(pane, promptAfter);
        Matcher m = Pattern.compile("turns\\s+(\\d+)").matcher(pane.screen());
        int turns = -1;
        while (m.find()) {
            turns = Integer.parseInt(m.group(1));
        }
        return turns;
    }

    /** A port nothing listens on: taken from the system, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
