package dev.jllm.tests;

import dev.jllm.tests.support.FakeUpstream;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.SseStream;
import dev.jllm.tests.support.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/chat/completions} over raw HTTP: the exact wire format, whole and streamed. */
class ChatCompletionsHttpTest {

    private static TestServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = server.http();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void wholeAnswerHasOpenAisShape() {
        HttpResponse<String> r = http.post("/v1/chat/completions", Http.chat("fake-model", "Tell a story"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("application/json"));
        JsonObject o = Http.json(r);
        assertThat(o.getString("object")).isEqualTo("chat.completion");
        assertThat(o.getString("id")).isNotBlank();
        assertThat(o.getJsonNumber("created").longValue()).isPositive();
        assertThat(o.getString("model")).isEqualTo(FakeUpstream.MODEL);
        JsonObject choice = o.getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getInt("index")).isZero();
        assertThat(choice.get("logprobs")).isEqualTo(JsonValue.NULL);
        assertThat(choice.getString("finish_reason")).isEqualTo("stop");
        JsonObject message = choice.getJsonObject("message");
        assertThat(message.getString("role")).isEqualTo("assistant");
        assertThat(message.getString("content")).isEqualTo(String.join("", FakeUpstream.STORY));
        assertThat(message.get("refusal")).isEqualTo(JsonValue.NULL);
        JsonObject usage = o.getJsonObject("usage");
        assertThat(usage.getInt("completion_tokens")).isEqualTo(FakeUpstream.STORY.size());
        assertThat(usage.getInt("total_tokens")).isEqualTo(usage.getInt("prompt_tokens")
                + usage.getInt("completion_tokens"));
    }

    @Test
    void streamFollowsOpenAisFramingAndChunkRules() {
        HttpResponse<String> r = http.post("/v1/chat/completions", Http.chat("fake-model", "Tell a story",
                "\"stream\":true", "\"stream_options\":{\"include_usage\":true}", "\"max_tokens\":5"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("text/event-stream"));
        String body = r.body();
        // Framing: every event is exactly "data: <payload>\n\n" (with the space), and the stream ends at [DONE].
        assertThat(body).endsWith("data: [DONE]\n\n");
        SseStream sse = SseStream.parse(body);
        assertThat(sse.endedCleanly()).isTrue();
        for (SseStream.Event e : sse.events()) {
            assertThat(e.lines()).hasSize(1);
            assertThat(e.lines().getFirst()).startsWith("data: ");
        }
        List<String> data = sse.data();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        List<JsonObject> chunks = data.subList(0, data.size() - 1).stream().map(Http::json).toList();

        JsonObject first = chunks.getFirst();
        for (JsonObject c : chunks) {
            assertThat(c.getString("object")).isEqualTo("chat.completion.chunk");
            assertThat(c.getString("id")).isEqualTo(first.getString("id"));
            assertThat(c.getJsonNumber("created")).isEqualTo(first.getJsonNumber("created"));
            assertThat(c.getString("model")).isEqualTo(FakeUpstream.MODEL);
        }
        JsonObject firstChoice = first.getJsonArray("choices").getJsonObject(0);
        assertThat(firstChoice.getJsonObject("delta").getString("role")).isEqualTo("assistant");

        // Content chunks: finish_reason present and null; usage member present and null (include_usage).
        JsonObject usageChunk = chunks.getLast();
        JsonObject finishChunk = chunks.get(chunks.size() - 2);
        StringBuilder text = new StringBuilder();
        for (JsonObject c : chunks.subList(0, chunks.size() - 2)) {
            JsonObject choice = c.getJsonArray("choices").getJsonObject(0);
            assertThat(choice.get("finish_reason")).isEqualTo(JsonValue.NULL);
            assertThat(c.get("usage")).isEqualTo(JsonValue.NULL);
            text.append(choice.getJsonObject("delta").getString("content", ""));
        }
        assertThat(text.toString()).isEqualTo(String.join("", FakeUpstream.STORY.subList(0, 5)));

        JsonObject fc = finishChunk.getJsonArray("choices").getJsonObject(0);
        assertThat(fc.getJsonObject("delta")).isEmpty();
        assertThat(fc.getString("finish_reason")).isEqualTo("length");

        assertThat(usageChunk.getJsonArray("choices")).isEmpty();
        assertThat(usageChunk.getJsonObject("usage").getInt("completion_tokens")).isEqualTo(5);
    }

    @Test
    void streamWithoutIncludeUsageHasNoUsage() {
        HttpResponse<String> r = http.post("/v1/chat/completions", Http.chat("fake-model", "Tell a story",
                "\"stream\":true"));
        List<String> data = SseStream.parse(r.body()).data();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        for (String d : data.subList(0, data.size() - 1)) {
            JsonObject c = Http.json(d);
            assertThat(c.containsKey("usage")).as("usage member in %s", d).isFalse();
            assertThat(c.getJsonArray("choices")).hasSize(1);
        }
        // The instance is asked for usage all the same (for the metrics); the client just does not get it.
        assertThat(server.upstream().lastChatRequest().getJsonObject("stream_options")
                .getBoolean("include_usage")).isTrue();
    }

    @Test
    void streamedTextEqualsWholeText() {
        String whole = Http.json(http.post("/v1/chat/completions", Http.chat("fake-model", "Tell a story",
                "\"temperature\":0"))).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                .getString("content");
        List<String> data = SseStream.parse(http.post("/v1/chat/completions", Http.chat("fake-model",
                "Tell a story", "\"temperature\":0", "\"stream\":true")).body()).data();
        StringBuilder streamed = new StringBuilder();
        for (String d : data.subList(0, data.size() - 1)) {
            streamed.append(Http.json(d).getJsonArray("choices").getJsonObject(0).getJsonObject("delta")
                    .getString("content", ""));
        }
        assertThat(streamed.toString()).isEqualTo(whole);
    }

    @Test
    void requestFieldsReachTheInstance() {
        http.post("/v1/chat/completions", Http.chat("fake-model", "hi", "\"temperature\":0.5", "\"top_p\":0.9",
                "\"max_tokens\":3", "\"stop\":\"x\"", "\"seed\":42", "\"presence_penalty\":0.1",
                "\"frequency_penalty\":0.2", "\"user\":\"u1\"", "\"top_k\":40", "\"min_p\":0.05",
                "\"repeat_penalty\":1.1", "\"logit_bias\":{\"50256\":-100}"));
        JsonObject sent = server.upstream().lastChatRequest();
        assertThat(sent.getJsonNumber("temperature").doubleValue()).isEqualTo(0.5);
        assertThat(sent.getJsonNumber("top_p").doubleValue()).isEqualTo(0.9);
        assertThat(sent.getInt("max_tokens")).isEqualTo(3);
        assertThat(sent.getJsonArray("stop").getString(0)).isEqualTo("x");
        assertThat(sent.getJsonNumber("seed").longValue()).isEqualTo(42);
        assertThat(sent.getJsonNumber("presence_penalty").doubleValue()).isEqualTo(0.1);
        assertThat(sent.getJsonNumber("frequency_penalty").doubleValue()).isEqualTo(0.2);
        assertThat(sent.getString("user")).isEqualTo("u1");
        assertThat(sent.getInt("top_k")).isEqualTo(40);
        assertThat(sent.getJsonNumber("min_p").doubleValue()).isEqualTo(0.05);
        assertThat(sent.getJsonNumber("repeat_penalty").doubleValue()).isEqualTo(1.1);
        assertThat(sent.getJsonObject("logit_bias").getJsonNumber("50256").doubleValue()).isEqualTo(-100);
    }

    @Test
    void modelRoutingByInstanceNameInstanceSlashModelAndCurrentModelIds() {
        List<String> seen = new ArrayList<>();
        for (String model : List.of("fake", "fake/other-model", "other-model", "fake-model")) {
            HttpResponse<String> r = http.post("/v1/chat/completions", Http.chat(model, "hi"));
            assertThat(r.statusCode()).as(model).isEqualTo(200);
            seen.add(server.upstream().lastChatRequest().getString("model"));
        }
        assertThat(seen).containsExactly("fake-model", "other-model", "other-model", "fake-model");
        // A request without a model gets the current model.
        assertThat(http.post("/v1/chat/completions", Http.chat(null, "hi")).statusCode()).isEqualTo(200);
        assertThat(server.upstream().lastChatRequest().getString("model")).isEqualTo("fake-model");
    }

    @Test
    void modelsListsWhatRoutes() {
        HttpResponse<String> r = http.get("/v1/models");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject list = Http.json(r);
        assertThat(list.getString("object")).isEqualTo("list");
        List<String> ids = list.getJsonArray("data").stream().map(v -> ((JsonObject) v).getString("id")).toList();
        assertThat(ids).containsExactly("fake", "fake-model", "other-model");
        for (JsonValue v : list.getJsonArray("data")) {
            JsonObject m = (JsonObject) v;
            assertThat(m.getString("object")).isEqualTo("model");
            assertThat(m.getJsonNumber("created").longValue()).isPositive();
            assertThat(m.getString("owned_by")).isNotBlank();
        }
        JsonObject one = Http.json(http.get("/v1/models/other-model"));
        assertThat(one.getString("id")).isEqualTo("other-model");
        assertThat(one.getString("object")).isEqualTo("model");
        assertThat(http.get("/v1/models/fake/other-model").statusCode()).isEqualTo(200);
    }
}
