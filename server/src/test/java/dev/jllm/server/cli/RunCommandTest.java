package dev.jllm.server.cli;

import dev.jllm.models.testing.TestData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jllm run} as scripts use it: a PROMPT answered once, and lines from a pipe answered in turn, slash
 * commands included. In-process ({@code --local}), so that a server someone runs on this machine cannot answer.
 * The terminal chat itself is driven through tmux in the tests module (RunReplTest).
 */
class RunCommandTest {

    private static String model() {
        return TestData.require("stories260K/stories260K.gguf").toString();
    }

    private static ModelCommandsTest.Run withStdin(String stdin, String... args) {
        InputStream old = System.in;
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            return ModelCommandsTest.run(args);
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void aPromptIsAnsweredOnceLikeBefore() {
        ModelCommandsTest.Run r = ModelCommandsTest.run("run", "--local", model(), "Hello", "--temperature", "0",
                "-n", "12", "--threads", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("jllm: running in this process (--local)");
        assertThat(r.out().strip()).isNotEmpty();
        assertThat(r.out()).endsWith("\n");
        // greedy decoding: the same prompt gives the same answer
        ModelCommandsTest.Run again = ModelCommandsTest.run("run", "--local", model(), "Hello", "--temperature", "0",
                "-n", "12", "--threads", "1");
        assertThat(again.out()).isEqualTo(r.out());
    }

    @Test
    void pipedLinesAreAChatThatDropsItsOldestTurnsAndGoesOn() {
        StringBuilder in = new StringBuilder("/set parameter num_ctx 128\n/set parameter num_predict 24\n"
                + "/set system You tell stories.\n");
        for (int i = 1; i <= 6; i++) {
            in.append("Hi ").append(i).append('\n');
        }
        in.append("/show parameters\n/set parameter tempreature 1\n/bye\nnot answered\n");
        ModelCommandsTest.Run r = withStdin(in.toString(), "run", "--local", model(), "--threads", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Set parameter 'num_ctx' to '128'", "Set system message.",
                "    num_predict          24", "error: unknown parameter 'tempreature'");
        Matcher dropped = Pattern.compile("\\(the conversation outgrew the context: dropped the oldest (turn|\\d+ "
                + "turns); the system prompt stays\\)").matcher(r.out());
        assertThat(dropped.find()).as(r.out()).isTrue();
        // Six answers (one per message), each followed by a blank line; none for the line after /bye.
        assertThat(r.out().split("\n\n", -1).length - 1).as(r.out()).isGreaterThanOrEqualTo(6);
    }

    @Test
    void aMessageLongerThanTheContextIsRefusedAndTheChatGoesOn() {
        ModelCommandsTest.Run r = withStdin("Tell me a long story about a dog and a cat and a bird\n/show system\n",
                "run", "--local", model(), "--ctx", "16", "--threads", "1", "-n", "4");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("error: this message does not fit the context even on its own",
                "No system message is set.");
    }
}
