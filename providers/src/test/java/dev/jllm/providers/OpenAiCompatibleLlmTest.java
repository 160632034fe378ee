package dev.jllm.providers;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.HttpTimeouts;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.OpenAiConfig;
import dev.jllm.api.json.Json;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.Model;
import dev.jllm.api.openai.StreamOptions;
import dev.jllm.providers.testing.FakeServer;
import dev.jllm.providers.testing.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.jllm.providers.testing.FakeServer.pause;
import static dev.jllm.providers.testing.FakeServer.write;
import static dev.jllm.providers.testing.Wire.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@Timeout(30)
class OpenAiCompatibleLlmTest {

    private static final ChatCompletionRequest HELLO =
            ChatCompletionRequest.of("gpt-test", List.of(ChatMessage.user("Hello")));

    private final FakeServer server = new FakeServer();
    private final List<OpenAiCompatibleLlm> llms = new ArrayList<>();

    @AfterEach
    void stop() {
        llms.forEach(OpenAiCompatibleLlm::close);
        server.close();
    }

    private OpenAiCompatibleLlm openai() {
        return openai(HttpTimeouts.DEFAULTS);
    }

    private OpenAiCompatibleLlm openai(HttpTimeouts timeouts) {
        OpenAiCompatibleLlm llm = new OpenAiCompatibleLlm("oa",
                new OpenAiConfig("sk-test", server.baseUrl(), timeouts));
        llms.add(llm);
        return llm;
    }

    private static List<String> texts(ChatCompletionStream s) {
        List<String> out = new ArrayList<>();
        for (ChatCompletionChunk c : s) {
            out.add(c.text());
        }
        return out;
    }

    @Test
    void wholeCompletionSendsTheRequestAndReadsTheAnswer() {
        server.route("/v1/chat/completions", (ex, body) -> FakeServer.json(ex, 200, Wire.completion("gpt-test", "Hi!")));
        ChatCompletion c = openai().chatCompletion(HELLO.toBuilder().stream(true)
                .streamOptions(StreamOptions.INCLUDE_USAGE).temperature(0.2).build());
        assertThat(c.text()).isEqualTo("Hi!");
        assertThat(c.usage().totalTokens()).isEqualTo(7);
        FakeServer.Received r = server.last();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.authorization()).isEqualTo("Bearer sk-test");
        assertThat(r.contentType()).startsWith("application/json");
        ChatCompletionRequest sent = Json.fromJson(r.body(), ChatCompletionRequest.class);
        assertThat(sent.stream()).as("a whole completion asks for no stream").isFalse();
        assertThat(sent.streamOptions()).isNull();
        assertThat(sent.temperature()).isEqualTo(0.2);
        assertThat(sent.messages()).isEqualTo(HELLO.messages());
    }

    @Test
    void streamedCompletionDeliversEveryChunkThenEnds() {
        server.route("/v1/chat/completions", (ex, body) -> {
            OutputStream out = FakeServer.startSse(ex);
            write(out, ": keep-alive\n\n");
            for (String t : List.of("Hel", "lo", " wörld")) {
                write(out, event(Wire.chunk("gpt-test", t)));
            }
            write(out, event(Wire.finalChunk("gpt-test")));
            write(out, event(Wire.usageChunk("gpt-test")));
            write(out, "data: [DONE]\n\n");
        });
        ChatCompletion whole;
        try (ChatCompletionStream s = openai().chatCompletionStream(HELLO.toBuilder()
                .streamOptions(StreamOptions.INCLUDE_USAGE).build())) {
            whole = s.collect();
        }
        assertThat(whole.text()).isEqualTo("Hello wörld");
        assertThat(whole.choices().getFirst().finishReason()).isEqualTo("stop");
        assertThat(whole.usage().completionTokens()).isEqualTo(2);
        ChatCompletionRequest sent = Json.fromJson(server.last().body(), ChatCompletionRequest.class);
        assertThat(sent.stream()).isTrue();
        assertThat(sent.includeUsage()).isTrue();
    }

    @Test
    void slowStreamsDeliverEachTokenAsItComes() throws Exception {
        // The server sends token i+1 only after the reader has token i in hand: a client that waited for more
        // data (or for the whole answer) before handing out chunks would stall this test.
        int n = 5;
        List<CountDownLatch> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            got.add(new CountDownLatch(1));
        }
        AtomicInteger handshakes = new AtomicInteger();
        server.route("/v1/chat/completions", (ex, body) -> {
            OutputStream out = FakeServer.startSse(ex);
            for (int i = 0; i < n; i++) {
                pause(50);
                write(out, event(Wire.chunk("gpt-test", "t" + i)));
                if (got.get(i).await(5, TimeUnit.SECONDS)) {
                    handshakes.incrementAndGet();
                }
            }
            write(out, "data: [DONE]\n\n");
        });
        List<String> texts = new ArrayList<>();
        try (ChatCompletionStream s = openai().chatCompletionStream(HELLO)) {
            for (ChatCompletionChunk c : s) {
                texts.add(c.text());
                got.get(texts.size() - 1).countDown();
            }
        }
        assertThat(texts).containsExactly("t0", "t1", "t2", "t3", "t4");
        assertThat(handshakes.get()).isEqualTo(n);
    }

    @Test
    void bytesSplitAcrossNetworkWritesIncludingInsideACharacterComeOutWhole() {
        String text = "h\u00e9llo \u4e16\u754c \ud83d\udc4b";
        byte[] doc = (event(Wire.chunk("gpt-test", text)) + "data: [DONE]\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        server.route("/v1/chat/completions", (ex, body) -> {
            OutputStream out = FakeServer.startSse(ex);
            for (byte b : doc) {
                write(out, new byte[] {b});
                pause(1);
            }
        });
        try (ChatCompletionStream s = openai().chatCompletionStream(HELLO)) {
            assertThat(texts(s)).containsExactly(text);
        }
    }

    @Test
    void aStreamClosedWithoutDoneIsAnErrorNotASuccess() {
        server.route("/v1/chat/completions", (ex, body) -> {
            OutputStream out = FakeServer.startSse(ex);
            write(out, event(Wire.chunk("gpt-test", "partial")));
            write(out, "data: {\"id\":\"x\",\"choi"); // cut inside an event, then a clean close
        });
        try (ChatCompletionStream s = openai().chatCompletionStream(HELLO)) {
            Iterator<ChatCompletionChunk> it = s.iterator();
            assertThat(it.next().text()).isEqualTo("partial");
            LlmException e = catchThrowableOfType(LlmException.class, it::hasNext);
            assertThat(e.kind()).isEqualTo(Kind.UPSTREAM);
            assertThat(e).hasMessageContaining("ended before [DONE]").hasMessageContaining("cut inside an event");
        }
    }

    @Test
    void aConnectionDroppedMidStreamIsAnError() {
        server.route("/v1/chat/completions", (ex, body) -> {
            OutputStream out = FakeServer.startSse(ex);
            write(out, event(Wire.chunk("gpt-test", "a")));
            write(out, "data: {\"id\"");
            // Failing the handler makes the JDK server drop the connection without ending the chunked body.
            throw new IllegalStateException("simulated crash");
        });
        try (ChatCompletionStream s = openai().chatCompletionStream(HELLO)) {
            Iterator<ChatCompletionChunk> it = s.iterator();
            assertThat(it.next().text()).isEqualTo("a");
            LlmException e = catchThrowableOfType(LlmException.class, it::hasNext);
            assertThat(e.kind()).isEqualTo(Kind.UPSTREAM);
            assertThat(e).hasMessageContaining(server.baseUrl() + "/chat/completions");
        }
    }

    @Test
    void anErrorEventInsideTheStreamBecomesAnException() {
        server.route("/v1/chat/completions", (ex, body) -> {
            OutputStream out = FakeServer.startSse(ex);
            write(out, event(Wire.chunk("gpt-test", "a")));
            write(out, event("{\"error\":{\"message\":\"the model crashed\",\"type\":\"server_error\",\"code\":500}}"));
            write(out, "data: [DONE]\n\n");
        });
        try (ChatCompletionStream s = openai().chatCompletionStream(HELLO)) {
            Iterator<ChatCompletionChunk> it = s.iterator();
            assertThat(it.next().text()).isEqualTo("a");
            LlmException e = catchThrowableOfType(LlmException.class, it::hasNext);
            assertThat(e).hasMessage("the model crashed");
            assertThat(e.kind()).isEqualTo(Kind.INTERNAL);
        }
    }

    @Test
    void aMalformedChunkIsAnUpstreamError() {
        server.route("/v1/chat/completions", (ex, body) -> {
            OutputStream out = FakeServer.startSse(ex);
            write(out, event("{not json"));
        });
        try (ChatCompletionStream s = openai().chatCompletionStream(HELLO)) {
            assertThatThrownBy(() -> texts(s)).isInstanceOf(LlmException.class)
                    .hasMessageContaining("malformed chunk").hasMessageContaining("{not json")
                    .extracting(e -> ((LlmException) e).kind()).isEqualTo(Kind.UPSTREAM);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "401, AUTHENTICATION, Incorrect API key provided: sk-test.",
            "403, PERMISSION, You are not allowed to use this model",
            "404, NOT_FOUND, The model `gpt-9` does not exist",
            "429, RATE_LIMITED, Rate limit reached for requests",
            "500, INTERNAL, The server had an error while processing your request.",
            "503, UNAVAILABLE, The engine is currently overloaded"})
    void errorAnswersBecomeTypedExceptionsWithTheServersMessage(int status, Kind kind, String message) {
        server.route("/v1/chat/completions", (ex, body) -> FakeServer.json(ex, status,
                "{\"error\":{\"message\":\"" + message + "\",\"type\":\"x\",\"param\":null,\"code\":null}}"));
        for (boolean stream : new boolean[] {false, true}) {
            LlmException e = catchThrowableOfType(LlmException.class, () -> {
                if (stream) {
                    openai().chatCompletionStream(HELLO).close();
                } else {
                    openai().chatCompletion(HELLO);
                }
            });
            assertThat(e).as("stream=%s", stream).hasMessage(message);
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.httpStatus()).isEqualTo(status);
        }
    }

    @Test
    void nonJsonErrorBodiesFallBackToTheirText() {
        server.route("/v1/chat/completions", (ex, body) -> FakeServer.text(ex, 502, "Bad Gateway from nginx"));
        server.route("/v1/models", (ex, body) -> {
            ex.sendResponseHeaders(500, -1);
        });
        LlmException e = catchThrowableOfType(LlmException.class, () -> openai().chatCompletion(HELLO));
        assertThat(e).hasMessage("Bad Gateway from nginx");
        assertThat(e.kind()).isEqualTo(Kind.UPSTREAM);
        LlmException empty = catchThrowableOfType(LlmException.class, () -> openai().models());
        assertThat(empty).hasMessage("HTTP 500");
    }

    @Test
    void llamaServersContextOverflowCountsAreKept() {
        server.route("/v1/chat/completions", (ex, body) -> FakeServer.json(ex, 400,
                "{\"error\":{\"code\":400,\"message\":\"the request exceeds the available context size, try "
                        + "increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":5000,"
                        + "\"n_ctx\":4096}}"));
        LlmException e = catchThrowableOfType(LlmException.class, () -> openai().chatCompletion(HELLO));
        assertThat(e.kind()).isEqualTo(Kind.CONTEXT_LENGTH_EXCEEDED);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.contextOverflow()).contains(new LlmException.ContextOverflow(5000, 4096));
        assertThat(e).hasMessageContaining("exceeds the available context size");
    }

    @Test
    void ollamaStyleStringErrorsAndContextLengthCodesAreUnderstood() {
        server.route("/v1/chat/completions", (ex, body) -> FakeServer.json(ex, 400,
                "{\"error\":{\"message\":\"too many tokens\",\"type\":\"invalid_request_error\","
                        + "\"code\":\"context_length_exceeded\"}}"));
        server.route("/v1/models", (ex, body) -> FakeServer.json(ex, 404, "{\"error\":\"model 'x' not found\"}"));
        assertThat(catchThrowableOfType(LlmException.class, () -> openai().chatCompletion(HELLO)).kind())
                .isEqualTo(Kind.CONTEXT_LENGTH_EXCEEDED);
        LlmException e = catchThrowableOfType(LlmException.class, () -> openai().models());
        assertThat(e).hasMessage("model 'x' not found");
        assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
    }

    @Test
    void closingAStreamEarlyDisconnectsFromTheServer() throws Exception {
        CountDownLatch disconnected = new CountDownLatch(1);
        AtomicInteger sent = new AtomicInteger();
        server.route("/v1/chat/completions", (ex, body) -> {
            OutputStream out = FakeServer.startSse(ex);
            try {
                for (int i = 0; i < 1000; i++) {
                    write(out, event(Wire.chunk("gpt-test", "tok" + i)));
                    sent.incrementAndGet();
                    pause(20);
                }
            } catch (IOException e) {
                disconnected.countDown();
            }
        });
        ChatCompletionStream s = openai().chatCompletionStream(HELLO);
        Iterator<ChatCompletionChunk> it = s.iterator();
        assertThat(it.next().text()).isEqualTo("tok0");
        assertThat(it.next().text()).isEqualTo("tok1");
        s.close();
        assertThat(it.hasNext()).isFalse();
        assertThat(disconnected.await(5, TimeUnit.SECONDS)).as("the server saw the client go away").isTrue();
        assertThat(sent.get()).isLessThan(1000);
    }

    @Test
    void closingTheInstanceCancelsItsOpenStreams() throws Exception {
        CountDownLatch disconnected = new CountDownLatch(1);
        server.route("/v1/chat/completions", (ex, body) -> {
            OutputStream out = FakeServer.startSse(ex);
            try {
                for (int i = 0; i < 1000; i++) {
                    write(out, event(Wire.chunk("gpt-test", "x")));
                    pause(20);
                }
            } catch (IOException e) {
                disconnected.countDown();
            }
        });
        OpenAiCompatibleLlm llm = openai();
        ChatCompletionStream s = llm.chatCompletionStream(HELLO);
        assertThat(s.iterator().next().text()).isEqualTo("x");
        llm.close();
        assertThat(disconnected.await(5, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> llm.chatCompletion(HELLO)).isInstanceOf(LlmException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void aSlowFirstByteTimesOut() {
        server.route("/v1/chat/completions", (ex, body) -> {
            pause(3000);
            FakeServer.json(ex, 200, Wire.completion("gpt-test", "late"));
        });
        OpenAiCompatibleLlm llm = openai(HttpTimeouts.DEFAULTS.withRequest(Duration.ofMillis(300)));
        long start = System.nanoTime();
        LlmException e = catchThrowableOfType(LlmException.class, () -> llm.chatCompletion(HELLO));
        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(e).hasMessageContaining("within 300ms");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2500);
    }

    @Test
    void aStreamSilentForLongerThanTheIdleTimeoutFails() {
        server.route("/v1/chat/completions", (ex, body) -> {
            OutputStream out = FakeServer.startSse(ex);
            write(out, event(Wire.chunk("gpt-test", "a")));
            pause(3000);
            write(out, "data: [DONE]\n\n");
        });
        OpenAiCompatibleLlm llm = openai(HttpTimeouts.DEFAULTS.withIdle(Duration.ofMillis(400)));
        long start = System.nanoTime();
        try (ChatCompletionStream s = llm.chatCompletionStream(HELLO)) {
            Iterator<ChatCompletionChunk> it = s.iterator();
            assertThat(it.next().text()).isEqualTo("a");
            LlmException e = catchThrowableOfType(LlmException.class, it::hasNext);
            assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(e).hasMessageContaining("silent for more than 400ms");
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2500);
    }

    @Test
    void keepAliveCommentsKeepASlowStreamAlive() {
        server.route("/v1/chat/completions", (ex, body) -> {
            OutputStream out = FakeServer.startSse(ex);
            for (int i = 0; i < 8; i++) {
                write(out, ": processing\n\n");
                pause(100);
            }
            write(out, event(Wire.chunk("gpt-test", "done")));
            write(out, "data: [DONE]\n\n");
        });
        OpenAiCompatibleLlm llm = openai(HttpTimeouts.DEFAULTS.withIdle(Duration.ofMillis(400)));
        try (ChatCompletionStream s = llm.chatCompletionStream(HELLO)) {
            assertThat(texts(s)).containsExactly("done");
        }
    }

    @Test
    void anUnreachableServerIsUnavailable() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        OpenAiCompatibleLlm llm = new OpenAiCompatibleLlm("gone", OpenAiConfig.of("k")
                .withBaseUrl("http://127.0.0.1:" + port + "/v1"));
        llms.add(llm);
        LlmException e = catchThrowableOfType(LlmException.class, () -> llm.chatCompletion(HELLO));
        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e).hasMessageContaining("127.0.0.1:" + port);
        assertThat(llm.isReady()).isFalse();
    }

    @Test
    void aWholeAnswerToAStreamRequestIsStreamedAllTheSame() {
        server.route("/v1/chat/completions", (ex, body) -> FakeServer.json(ex, 200, Wire.completion("gpt-test", "whole")));
        try (ChatCompletionStream s = openai().chatCompletionStream(HELLO)) {
            assertThat(s.collect().text()).isEqualTo("whole");
        }
    }

    @Test
    void listsModelsAndReportsReadiness() {
        server.route("/v1/models", (ex, body) -> FakeServer.json(ex, 200,
                "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-test\",\"object\":\"model\",\"created\":1,"
                        + "\"owned_by\":\"me\"}]}"));
        OpenAiCompatibleLlm llm = openai();
        assertThat(llm.models()).containsExactly(Model.of("gpt-test", 1, "me"));
        assertThat(llm.isReady()).isTrue();
        var info = llm.info();
        assertThat(info.ready()).isTrue();
        assertThat(info.type()).isEqualTo("openai");
        assertThat(info.location()).isEqualTo(server.baseUrl());
        assertThat(info.details()).containsEntry("auth", "bearer").doesNotContainValue("sk-test");
    }

    @Test
    void modelLifecycleIsNotSupportedOutsideOllama() {
        OpenAiCompatibleLlm llm = openai();
        assertThatThrownBy(() -> llm.serve("m", null)).isInstanceOf(LlmException.class)
                .hasMessage("serve is not supported by openai instances")
                .extracting(e -> ((LlmException) e).kind()).isEqualTo(Kind.NOT_SUPPORTED);
        assertThatThrownBy(() -> llm.unload("m")).hasMessage("unload is not supported by openai instances");
        assertThatThrownBy(() -> llm.deleteModel("m")).hasMessage("deleteModel is not supported by openai instances");
    }

    @Test
    void requestsWithoutModelOrMessagesAreRejectedBeforeSending() {
        OpenAiCompatibleLlm llm = openai();
        assertThatThrownBy(() -> llm.chatCompletion(HELLO.withModel(null))).hasMessageContaining("names no model");
        assertThatThrownBy(() -> llm.chatCompletionStream(ChatCompletionRequest.builder().model("m").build()))
                .hasMessageContaining("no messages");
        assertThat(server.received()).isEmpty();
    }

    @Test
    void manyConcurrentStreamsEachGetTheirOwnAnswer() throws Exception {
        server.route("/v1/chat/completions", (ex, body) -> {
            String who = Json.fromJson(body, ChatCompletionRequest.class).messages().getFirst().text();
            OutputStream out = FakeServer.startSse(ex);
            for (int i = 0; i < 5; i++) {
                write(out, event(Wire.chunk("gpt-test", who)));
                pause(5);
            }
            write(out, "data: [DONE]\n\n");
        });
        OpenAiCompatibleLlm llm = openai();
        List<Thread> threads = new ArrayList<>();
        AtomicInteger ok = new AtomicInteger();
        for (int i = 0; i < 20; i++) {
            String who = "client" + i;
            threads.add(Thread.ofVirtual().start(() -> {
                try (ChatCompletionStream s = llm.chatCompletionStream(
                        ChatCompletionRequest.of("gpt-test", List.of(ChatMessage.user(who))))) {
                    if (s.collect().text().equals(who.repeat(5))) {
                        ok.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(ok.get()).isEqualTo(20);
    }
}
