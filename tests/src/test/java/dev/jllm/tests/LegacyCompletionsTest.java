package dev.jllm.tests;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.CompletionRequest;
import dev.jllm.proxy.LlmServiceProxy;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.tests.support.FakeUpstream;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.ScriptedLocal;
import dev.jllm.tests.support.SseStream;
import dev.jllm.tests.support.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/completions}: the wire format of legacy text completions, through an instance that takes raw
 * prompts (a scripted local instance's Llm.complete), and 501 from one that cannot.
 */
class LegacyCompletionsTest {

    private static TestServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(c -> c.withModels(List.of(new ModelSpec("/models/raw.gguf", "raw"))),
                List.of(new ScriptedLocal(null)));
        http = server.http();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String body(String... members) {
        return "{\"model\":\"raw\",\"prompt\":\"Count with me:\"" + (members.length == 0 ? ""
                : "," + String.join(",", members)) + "}";
    }

    @Test
    void wholeTextCompletion() {
        HttpResponse<String> r = http.post("/v1/completions", body("\"max_tokens\":3"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject o = Http.json(r);
        assertThat(o.getString("object")).isEqualTo("text_completion");
        assertThat(o.getString("id")).startsWith("cmpl-");
        JsonObject choice = o.getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getString("text")).isEqualTo(" one two three");
        assertThat(choice.getInt("index")).isZero();
        assertThat(choice.get("logprobs")).isEqualTo(JsonValue.NULL);
        assertThat(choice.getString("finish_reason")).isEqualTo("length");
        assertThat(o.getJsonObject("usage").getInt("completion_tokens")).isEqualTo(3);
    }

    @Test
    void defaultMaxTokensIsSixteenAndEchoPrependsThePrompt() {
        JsonObject choice = Http.json(http.post("/v1/completions", body("\"echo\":true")))
                .getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getString("text")).isEqualTo("Count with me:" + String.join("", ScriptedLocal.RAW_WORDS));
        assertThat(choice.getString("finish_reason")).isEqualTo("stop");
    }

    @Test
    void logprobsTakeTheLegacyLayout() {
        JsonObject lp = Http.json(http.post("/v1/completions", body("\"max_tokens\":2", "\"logprobs\":1")))
                .getJsonArray("choices").getJsonObject(0).getJsonObject("logprobs");
        assertThat(lp.getJsonArray("tokens").getString(1)).isEqualTo(" two");
        assertThat(lp.getJsonArray("token_logprobs").getJsonNumber(0).doubleValue()).isEqualTo(-0.5);
        assertThat(lp.getJsonArray("top_logprobs").getJsonObject(0).getJsonNumber(" x").doubleValue())
                .isEqualTo(-2.0);
        assertThat(lp.getJsonArray("text_offset").getInt(1)).isEqualTo(" one".length());
    }

    @Test
    void streamedTextCompletion() {
        HttpResponse<String> r = http.post("/v1/completions", body("\"max_tokens\":4", "\"stream\":true",
                "\"stream_options\":{\"include_usage\":true}"));
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = SseStream.parse(r.body()).data();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        List<JsonObject> chunks = data.subList(0, data.size() - 1).stream().map(Http::json).toList();
        StringBuilder text = new StringBuilder();
        for (JsonObject c : chunks.subList(0, chunks.size() - 2)) {
            assertThat(c.getString("object")).isEqualTo("text_completion");
            assertThat(c.getString("id")).isEqualTo(chunks.getFirst().getString("id"));
            JsonObject ch = c.getJsonArray("choices").getJsonObject(0);
            assertThat(ch.get("finish_reason")).isEqualTo(JsonValue.NULL);
            text.append(ch.getString("text"));
        }
        assertThat(text.toString()).isEqualTo(" one two three four");
        assertThat(chunks.get(chunks.size() - 2).getJsonArray("choices").getJsonObject(0).getString("finish_reason"))
                .isEqualTo("length");
        JsonObject usage = chunks.getLast();
        assertThat(usage.getJsonArray("choices")).isEmpty();
        assertThat(usage.getJsonObject("usage").getInt("completion_tokens")).isEqualTo(4);
    }

    @Test
    void whatARawPromptCannotCarryIsRefusedByName() {
        assertThat(ErrorsHttpTest.error(http.post("/v1/completions",
                "{\"model\":\"raw\",\"prompt\":[\"a\",\"b\"]}"), 400).getString("param")).isEqualTo("prompt");
        assertThat(ErrorsHttpTest.error(http.post("/v1/completions",
                "{\"model\":\"raw\",\"prompt\":[1,2,3]}"), 400).getString("message")).contains("token ids");
        assertThat(ErrorsHttpTest.error(http.post("/v1/completions", body("\"suffix\":\"end\"")), 400)
                .getString("param")).isEqualTo("suffix");
        assertThat(ErrorsHttpTest.error(http.post("/v1/completions", body("\"best_of\":3")), 400)
                .getString("param")).isEqualTo("best_of");
        assertThat(ErrorsHttpTest.error(http.post("/v1/completions", body("\"echo\":true", "\"logprobs\":2")), 400)
                .getString("param")).isEqualTo("echo");
        assertThat(ErrorsHttpTest.error(http.post("/v1/completions", body("\"messages\":[]")), 400)
                .getString("param")).isEqualTo("messages");
        assertThat(ErrorsHttpTest.error(http.post("/v1/completions", "{\"model\":\"raw\"}"), 400)
                .getString("param")).isEqualTo("prompt");
    }

    @Test
    void aRemoteInstanceContinuesThePromptThroughTheUpstreamsCompletions() {
        HttpResponse<String> r = http.post("/v1/completions", "{\"model\":\"fake\",\"prompt\":\"hi\",\"max_tokens\":3}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject choice = Http.json(r).getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getString("text")).isEqualTo(String.join("", FakeUpstream.STORY.subList(0, 3)));
        assertThat(choice.getString("finish_reason")).isEqualTo("length");
        HttpResponse<String> s = http.post("/v1/completions",
                "{\"model\":\"fake\",\"prompt\":\"hi\",\"max_tokens\":3,\"stream\":true}");
        assertThat(s.statusCode()).as(s.body()).isEqualTo(200);
        assertThat(s.body()).contains("\"object\":\"text_completion\"").endsWith("data: [DONE]\n\n");
        // what the remote answer cannot carry is refused by name, not dropped
        assertThat(ErrorsHttpTest.error(http.post("/v1/completions",
                "{\"model\":\"fake\",\"prompt\":\"hi\",\"logprobs\":2}"), 400).getString("param"))
                .isEqualTo("logprobs");
    }

    @Test
    void aProxyRunsRawCompletionsAsCompletionJobs() {
        try (LlmServiceProxy proxy = LlmServiceProxy.connect(server.baseUrl())) {
            CompletionRequest r = CompletionRequest.of("raw", "Count with me:");
            ChatCompletion whole = proxy.complete("raw", r);
            assertThat(whole.text()).isEqualTo(String.join("", ScriptedLocal.RAW_WORDS));
            assertThat(whole.usage().promptTokens()).isEqualTo(3);
            StringBuilder streamed = new StringBuilder();
            try (ChatCompletionStream s = proxy.completeStream("raw", r.withStream(true, null))) {
                s.forEach(c -> streamed.append(c.text()));
            }
            assertThat(streamed.toString()).isEqualTo(whole.text());
        }
    }
}
