package dev.jllm.tests.hardening;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmProviderFactory;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.Choice;
import dev.jllm.api.openai.CompletionRequest;
import dev.jllm.api.openai.Usage;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.tests.support.ScriptedInstance;
import dev.jllm.tests.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that sends a non-streamed completion and disconnects before the answer must not leave the generation
 * running to max_tokens in its slot: the server notices the closed connection while it waits, cancels the
 * generation at once, counts the disconnect, and the next request gets the slot. The instance is a test double
 * that generates a token every 20 ms until cancelled (an interrupt, as every instance type stops on), so "ran to
 * max_tokens" (20 s) and "cancelled" (well under a second) cannot be confused.
 */
class AbandonedRequestTest {

    private static final int TOKEN_MILLIS = 20;
    private static final AtomicInteger STARTED = new AtomicInteger();
    private static final AtomicInteger CANCELLED = new AtomicInteger();
    private static final AtomicInteger FINISHED = new AtomicInteger();
    private static TestServer server;

    @BeforeAll
    static void start() {
        // One slot and no queue: while an abandoned generation held it, any other request would get 503.
        server = TestServer.start(c -> c.withModels(List.of(new ModelSpec("/models/slow.gguf", "slow")))
                .withParallel(1).withMaxQueued(0), List.of(new SlowLocal()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anAbandonedChatCompletionIsCancelledAndFreesItsSlot() throws Exception {
        abandon("/v1/chat/completions", "{\"model\":\"slow\",\"max_tokens\":1000,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"tell me everything\"}]}");
    }

    @Test
    void anAbandonedTextCompletionIsCancelledAndFreesItsSlot() throws Exception {
        abandon("/v1/completions", "{\"model\":\"slow\",\"max_tokens\":1000,\"prompt\":\"Once upon a time\"}");
    }

    private static void abandon(String path, String body) throws Exception {
        int started = STARTED.get();
        int cancelled = CANCELLED.get();
        int finished = FINISHED.get();
        double disconnects = disconnects(path);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            waitFor(() -> STARTED.get() > started, 10_000, "the generation to start");
            Thread.sleep(10 * TOKEN_MILLIS); // a few tokens in
        }
        long closedAt = System.nanoTime();
        waitFor(() -> CANCELLED.get() > cancelled, 5_000, "the abandoned generation to be cancelled");
        double seconds = (System.nanoTime() - closedAt) / 1e9;
        System.out.printf("%s: abandoned generation cancelled %.3f s after the client closed%n", path, seconds);
        assertThat(FINISHED.get()).as("the abandoned generation did not run to max_tokens").isEqualTo(finished);
        assertThat(seconds).isLessThan(2.0);

        // The slot is free again: the next request is answered, not refused with 503.
        HttpResponse<String> next = server.http().post(path, body.replace("1000", "3"));
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        waitFor(() -> disconnects(path) > disconnects, 5_000, "the disconnect to be counted");
    }

    /** jllm_client_disconnects_total for the route, from the server's /metrics. */
    private static double disconnects(String route) {
        String metrics = server.http().get("/metrics").body();
        String prefix = "jllm_client_disconnects_total{route=\"" + route + "\"} ";
        return metrics.lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()).trim())).sum();
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void waitFor(Condition c, long millis, String what) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!c.holds()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** A {@code local} instance type whose generations take {@value #TOKEN_MILLIS} ms a token, until interrupted. */
    private static final class SlowLocal implements LlmProviderFactory {
        @Override
        public String type() {
            return LlmConfig.LOCAL;
        }

        @Override
        public Llm create(String name, LlmConfig config) {
            return new ScriptedInstance(name, config, "slow") {
                @Override
                public ChatCompletion chatCompletion(ChatCompletionRequest request) {
                    return generate(request.effectiveMaxTokens());
                }

                @Override
                public ChatCompletion complete(CompletionRequest request) {
                    return generate(request.maxTokens());
                }

                private ChatCompletion generate(Integer maxTokens) {
                    STARTED.incrementAndGet();
                    StringBuilder text = new StringBuilder();
                    int n = maxTokens == null ? 16 : maxTokens;
                    for (int i = 0; i < n; i++) {
                        try {
                            Thread.sleep(TOKEN_MILLIS);
                        } catch (InterruptedException e) {
                            CANCELLED.incrementAndGet();
                            Thread.currentThread().interrupt();
                            throw new LlmException(LlmException.Kind.CANCELLED, "the generation was cancelled");
                        }
                        text.append(" word");
                    }
                    FINISHED.incrementAndGet();
                    return new ChatCompletion("chatcmpl-slow", ChatCompletion.OBJECT, 1700000000, "slow", null,
                            List.of(new Choice(0, ChatMessage.assistant(text.toString()), null, "length")),
                            Usage.of(1, n));
                }

                @Override
                public ChatCompletionStream chatCompletionStream(ChatCompletionRequest request) {
                    throw LlmException.notSupported("this test double only answers whole");
                }
            };
        }
    }
}
