package dev.jllm.tests;

import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.SseStream;
import dev.jllm.tests.support.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every error the OpenAI endpoints answer, in OpenAI's shape and with the right status and headers. */
class ErrorsHttpTest {

    private static TestServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(c -> c.withMaxBodyBytes(64 * 1024));
        http = server.http();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The error object of an answer, checked for OpenAI's shape and for leaked internals. */
    static JsonObject error(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("application/json"));
        assertNoInternals(r.body());
        JsonObject e = Http.json(r).getJsonObject("error");
        java.util.Set<String> keys = new java.util.HashSet<>(e.keySet());
        if ("context_length_exceeded".equals(e.getString("code", null))) {
            keys.removeAll(java.util.Set.of("n_prompt_tokens", "n_ctx")); // llama-server's counts, beside the code
        }
        assertThat(keys).containsExactlyInAnyOrder("message", "type", "param", "code");
        assertThat(e.getString("message")).isNotBlank();
        assertThat(e.getString("type")).isNotBlank();
        return e;
    }

    static void assertNoInternals(String body) {
        assertThat(body).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("at dev.jllm")
                .doesNotContain("at java.");
    }

    @Test
    void malformedJsonIs400() {
        JsonObject e = error(http.post("/v1/chat/completions", "{\"model\": \"fake\", "), 400);
        assertThat(e.getString("type")).isEqualTo("invalid_request_error");
        assertThat(e.getString("message")).contains("could not parse the JSON body");
        error(http.post("/v1/chat/completions", "[1,2]"), 400);
        error(http.post("/v1/chat/completions", ""), 400);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "\"foo\":1                                         | foo",
            "\"temperature\":\"hot\"                             | temperature",
            "\"temperature\":3                                 | temperature",
            "\"top_p\":-0.1                                    | top_p",
            "\"n\":0                                           | n",
            "\"max_tokens\":1.5                                | max_tokens",
            "\"max_tokens\":0                                  | max_tokens",
            "\"stream\":\"yes\"                                  | stream",
            "\"stream_options\":{\"include_usage\":true}         | stream_options",
            "\"stream\":true,\"stream_options\":{\"x\":1}          | stream_options.x",
            "\"stop\":[1]                                      | stop[0]",
            "\"top_logprobs\":3                                | top_logprobs",
            "\"logit_bias\":{\"abc\":1}                          | logit_bias",
            "\"logit_bias\":{\"5\":500}                          | logit_bias.5",
            "\"response_format\":{\"type\":\"yaml\"}               | response_format.type",
            "\"tool_choice\":\"auto\"                            | tool_choice",
            "\"tools\":[{\"type\":\"function\"}]                   | tools[0].function",
            "\"store\":\"yes\"                                 | store",
    })
    void invalidFieldIs400NamingIt(String member, String param) {
        JsonObject e = error(http.post("/v1/chat/completions", Http.chat("fake", "hi", member)), 400);
        assertThat(e.getString("param")).isEqualTo(param);
        assertThat(e.getString("message")).contains(param.replaceAll("\\[.*", "").split("\\.")[0]);
    }

    @Test
    void invalidMessagesAre400NamingTheMember() {
        assertThat(error(http.post("/v1/chat/completions", "{\"model\":\"fake\"}"), 400).getString("param"))
                .isEqualTo("messages");
        assertThat(error(http.post("/v1/chat/completions", "{\"messages\":[]}"), 400).getString("param"))
                .isEqualTo("messages");
        assertThat(error(http.post("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}"), 400).getString("param"))
                .isEqualTo("messages[0].role");
        assertThat(error(http.post("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"mood\":1}]}"), 400).getString("param"))
                .isEqualTo("messages[0].mood");
        assertThat(error(http.post("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"video\"}]}]}"), 400)
                .getString("param")).isEqualTo("messages[0].content[0].type");
        assertThat(error(http.post("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"tool\",\"content\":\"42\"}]}"), 400).getString("param"))
                .isEqualTo("messages[0].tool_call_id");
    }

    @Test
    void unknownModelIs404() {
        JsonObject e = error(http.post("/v1/chat/completions", Http.chat("no-such-model", "hi")), 404);
        assertThat(e.getString("code")).isEqualTo("model_not_found");
        assertThat(e.getString("param")).isEqualTo("model");
        assertThat(e.getString("message")).contains("no-such-model");
        assertThat(error(http.get("/v1/models/no-such-model"), 404).getString("code")).isEqualTo("model_not_found");
        // An instance's model the upstream does not know: the upstream's 404 is passed on.
        error(http.post("/v1/chat/completions", Http.chat("fake/gone-model", "hi")), 404);
    }

    @Test
    void bodyTooLargeIs413WithOrWithoutContentLength() {
        String big = Http.chat("fake", "x".repeat(70 * 1024));
        JsonObject e = error(http.post("/v1/chat/completions", big), 413);
        assertThat(e.getString("code")).isEqualTo("request_too_large");
        // Chunked: no Content-Length, so the limit is found while reading.
        HttpRequest chunked = http.request("/v1/chat/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes())))
                .build();
        error(http.send(chunked), 413);
    }

    @Test
    void promptLongerThanTheContextIs400SayingSo() {
        JsonObject e = error(http.post("/v1/chat/completions", Http.chat("fake", "[context] a long prompt")), 400);
        assertThat(e.getString("code")).isEqualTo("context_length_exceeded");
        assertThat(e.getString("type")).isEqualTo("invalid_request_error");
        assertThat(e.getString("message")).contains("context length");
        // Streamed too: the failure comes before any output, so it still gets its status.
        e = error(http.post("/v1/chat/completions", Http.chat("fake", "[context] long", "\"stream\":true")), 400);
        assertThat(e.getString("code")).isEqualTo("context_length_exceeded");
    }

    @Test
    void failedGenerationIs500ThatSdksMustNotRetry() {
        HttpResponse<String> r = http.post("/v1/chat/completions", Http.chat("fake", "[boom]"));
        JsonObject e = error(r, 500);
        assertThat(r.headers().firstValue("X-Should-Retry")).hasValue("false");
        assertThat(e.getString("message")).contains("upstream exploded");
    }

    @Test
    void errorAfterStreamingBeganIsAnErrorEvent() {
        HttpResponse<String> r = http.post("/v1/chat/completions", Http.chat("fake", "[midstream-error]",
                "\"stream\":true"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertNoInternals(r.body());
        List<String> data = SseStream.parse(r.body()).data();
        assertThat(data).doesNotContain("[DONE]");
        JsonObject last = Http.json(data.getLast());
        JsonObject e = last.getJsonObject("error");
        assertThat(e.getString("message")).contains("upstream broke mid-stream");
        assertThat(e.keySet()).containsExactlyInAnyOrder("message", "type", "param", "code");
        // The chunks before the error were sent as usual.
        assertThat(Http.json(data.getFirst()).getJsonArray("choices").getJsonObject(0).getJsonObject("delta")
                .getString("role")).isEqualTo("assistant");
    }

    @Test
    void malformedHttpIsAnsweredInOpenAisShapeToo() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(64 * 1024)
                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 4");
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            assertNoInternals(body);
            assertThat(Http.json(body).getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
        }
    }

    @Test
    void unknownPathsAre404AndWrongMethods405() {
        assertThat(error(http.get("/v1/nothing"), 404).get("param")).isEqualTo(JsonValue.NULL);
        error(http.get("/v1/chat/completions"), 405);
        error(http.send(http.request("/v1/models").PUT(HttpRequest.BodyPublishers.noBody()).build()), 405);
    }
}
