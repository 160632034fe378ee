package dev.jllm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The load generator's client against a canned server: what it sends, how it reads a stream, errors. */
class ChatStreamClientTest {

    private HttpServer server;
    private final AtomicReference<String> lastBody = new AtomicReference<>();
    private volatile int status = 200;
    private volatile String stream;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            lastBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = (status == 200 ? stream : "{\"error\":{\"message\":\"busy\"}}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", status == 200 ? "text/event-stream" : "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ChatStreamClient client() {
        return new ChatStreamClient("http://127.0.0.1:" + server.getAddress().getPort() + "/", "m");
    }

    private static String chunk(String content) {
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}\n\n";
    }

    @Test
    void aStreamIsReadToItsUsageAndDone() {
        stream = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}\n\n"
                + chunk("Hel") + chunk("lo")
                + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"total_tokens\":14,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":9}}}\n\n"
                + "data: [DONE]\n\n";
        ChatStreamClient.Result r = client().stream(List.of(new ChatStreamClient.Message("user", "hi")), 5);
        assertThat(r.ok()).isTrue();
        assertThat(r.text()).isEqualTo("Hello");
        assertThat(r.promptTokens()).isEqualTo(12);
        assertThat(r.completionTokens()).isEqualTo(2);
        assertThat(r.cachedTokens()).isEqualTo(9);
        assertThat(r.ttftNanos()).isPositive().isLessThanOrEqualTo(r.totalNanos());
        assertThat(lastBody.get()).contains("\"stream\":true").contains("\"include_usage\":true")
                .contains("\"max_tokens\":5").contains("\"model\":\"m\"").contains("\"temperature\":0");
    }

    @Test
    void errorsAndTruncatedStreamsAreFailures() {
        status = 429;
        ChatStreamClient.Result refused = client().stream(List.of(new ChatStreamClient.Message("user", "hi")), 5);
        assertThat(refused.ok()).isFalse();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.error()).contains("busy");

        status = 200;
        stream = chunk("x");
        ChatStreamClient.Result cut = client().stream(List.of(new ChatStreamClient.Message("user", "hi")), 5);
        assertThat(cut.ok()).isFalse();
        assertThat(cut.error()).contains("[DONE]");
    }
}
