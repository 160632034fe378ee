package dev.jllm.server.cli.repl;

import dev.jllm.api.LocalConfig;
import dev.jllm.api.ProgressListener;
import dev.jllm.models.testing.TestData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ctrl-C during an answer (the switch fired from another thread, as the terminal's signal thread does): the output
 * stops, the chat gets the partial answer back, and the engine's generation is cancelled, not left running.
 */
class StopAnswerTest {

    @Test
    void stoppingAnAnswerCancelsTheGeneration() throws Exception {
        String model = TestData.stories260k().toString();
        try (LocalBackend backend = new LocalBackend(LocalConfig.defaults().withThreads(1), model,
                ProgressListener.NONE)) {
            StopSwitch stop = new StopSwitch();
            AtomicBoolean fired = new AtomicBoolean();
            StringWriter screen = new StringWriter();
            PrintWriter out = new PrintWriter(screen) {
                @Override
                public void write(String s, int off, int len) {
                    super.write(s, off, len);
                    if (screen.getBuffer().length() > 40 && fired.compareAndSet(false, true)) {
                        Thread.ofPlatform().start(stop::fire); // "Ctrl-C" once some of the answer is shown
                    }
                }
            };
            LineSource io = new StreamLines(new ByteArrayInputStream(new byte[0]), out);
            ChatParameters params = new ChatParameters();
            params.set("num_predict", List.of("-1")); // until the 2048-token context is full, unless stopped
            params.set("seed", List.of("7"));

            String reply = new Answerer(io, stop).answer(backend, params, new Conversation(null), "Tell me a story");

            assertThat(fired).isTrue();
            assertThat(screen.toString()).endsWith("(answer stopped)\n");
            assertThat(reply).isNotEmpty();
            assertThat(reply.length()).as("stopped long before the context was full").isLessThan(2000);
            // Not cancelled, it would go on for seconds (about 2000 more tokens); cancelled, it ends within a step.
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (!backend.info().get("active generations").equals("0") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(backend.info()).containsEntry("active generations", "0");

            // The switch is reset: the next answer runs to its end.
            params.set("num_predict", List.of("8"));
            StringWriter next = new StringWriter();
            String second = new Answerer(new StreamLines(new ByteArrayInputStream(new byte[0]),
                    new PrintWriter(next)), stop).answer(backend, params, new Conversation(null), "Hello");
            assertThat(second).isNotEmpty();
            assertThat(next.toString()).doesNotContain("(answer stopped)");
        }
    }
}
