package dev.jllm.tests;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.models.Model;
import dev.jllm.tests.support.OpenAiSdk;
import dev.jllm.tests.support.Closeables;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.models.testing.TestData;
import dev.jllm.tests.support.EventReader;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.Jobs;
import dev.jllm.tests.support.SseStream;
import dev.jllm.tests.support.TestServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The server with the real engine: stories260K loaded at start (as {@code jllm serve --model stories260K.gguf
 * --alias stories} does), used through the official OpenAI SDK, raw HTTP and the jobs API.
 */
class Stories260kTest {

    private static final String KEY = "local-key";
    private static final String ALIAS = "stories";
    private static Path model;
    private static TestServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        model = TestData.stories260k();
        server = TestServer.start(c -> c.withApiKey(KEY).withModels(List.of(new ModelSpec(model.toString(), ALIAS))));
        client = OpenAiSdk.client(server.baseUrl(), KEY);
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(OpenAiSdk.closing(client), server);
    }

    @Test
    void sdkEmbedsFloatAndBase64Alike() {
        var params = com.openai.models.embeddings.EmbeddingCreateParams.builder().model(ALIAS)
                .inputOfArrayOfStrings(List.of("Once upon a time", "Lily went to the park.")).build();
        var floats = client.embeddings().create(params);
        assertThat(floats.model()).isEqualTo(ALIAS);
        assertThat(floats.data()).hasSize(2);
        assertThat(floats.data().get(0).embedding()).hasSize(64);
        assertThat(floats.usage().promptTokens()).isPositive();
        // The SDK asks for base64 unless told otherwise, and decodes it: ask explicitly for both.
        var b64 = client.embeddings().create(params.toBuilder()
                .encodingFormat(com.openai.models.embeddings.EmbeddingCreateParams.EncodingFormat.BASE64).build());
        var f = client.embeddings().create(params.toBuilder()
                .encodingFormat(com.openai.models.embeddings.EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        for (int i = 0; i < 2; i++) {
            List<Float> a = b64.data().get(i).embedding();
            List<Float> b = f.data().get(i).embedding();
            assertThat(a).isEqualTo(b);
        }
        assertThatThrownBy(() -> client.embeddings().create(params.toBuilder().dimensions(16).build()))
                .hasMessageContaining("dimensions");
    }

    private static ChatCompletionCreateParams.Builder story(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Once upon a time")
                .temperature(0.0).maxCompletionTokens(40);
    }

    @Test
    void sdkListsTheModel() {
        List<String> ids = new ArrayList<>();
        for (Model m : client.models().list().autoPager()) {
            ids.add(m.id());
        }
        assertThat(ids).contains(ALIAS);
        assertThat(client.models().retrieve(ALIAS).id()).isEqualTo(ALIAS);
    }

    @Test
    void sdkStreamedTextEqualsWholeTextAtTemperatureZero() {
        ChatCompletion whole = client.chat().completions().create(story(ALIAS).build());
        String wholeText = whole.choices().getFirst().message().content().orElseThrow();
        assertThat(wholeText).isNotBlank();
        CompletionUsage usage = whole.usage().orElseThrow();
        assertThat(usage.promptTokens()).isPositive();
        assertThat(usage.completionTokens()).isBetween(1L, 40L);

        StringBuilder streamed = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(story(ALIAS)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(c -> {
                chunks.add(c);
                c.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append));
            });
        }
        assertThat(streamed.toString()).isEqualTo(wholeText);
        CompletionUsage streamedUsage = chunks.getLast().usage().orElseThrow();
        assertThat(streamedUsage.completionTokens()).isEqualTo(usage.completionTokens());
        assertThat(streamedUsage.promptTokens()).isEqualTo(usage.promptTokens());
    }

    @Test
    void sdkExceptionsFor400And401And404() {
        // n = 100 passes the server's checks; the engine refuses it (more choices than it runs and queues at
        // once), naming the field.
        assertThatThrownBy(() -> client.chat().completions().create(story(ALIAS).n(100).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("n"));
        assertThatThrownBy(() -> client.chat().completions().create(story(ALIAS).temperature(9.0).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param())
                        .hasValue("temperature"));
        assertThatThrownBy(() -> client.chat().completions().create(story("gpt-5").build()))
                .isInstanceOf(NotFoundException.class);
        OpenAIClient wrong = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey("wrong")
                .maxRetries(0).build();
        try {
            assertThatThrownBy(() -> wrong.chat().completions().create(story(ALIAS).build()))
                    .isInstanceOf(UnauthorizedException.class);
        } finally {
            wrong.close();
        }
    }

    @Test
    void legacyCompletionContinuesThePromptAsLlamaCppDoes() throws Exception {
        HttpResponse<String> r = server.http().post("/v1/completions",
                "{\"model\":\"" + ALIAS + "\",\"prompt\":\"Once upon a time\",\"max_tokens\":64,\"temperature\":0}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject body = Http.json(r.body());
        assertThat(body.getString("object")).isEqualTo("text_completion");
        JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
        // The first golden prompt: llama.cpp's greedy 64 tokens after "Once upon a time" (BOS added).
        String golden = java.nio.file.Files.readAllLines(model.resolveSibling("golden.jsonl")).getFirst();
        String expected = Http.json(golden).getString("generated_text");
        assertThat(choice.getString("text")).isEqualTo(expected);
        assertThat(choice.getString("finish_reason")).isEqualTo("length");
        assertThat(body.getJsonObject("usage").getInt("prompt_tokens")).isEqualTo(5);
        assertThat(body.getJsonObject("usage").getInt("completion_tokens")).isEqualTo(64);
    }

    @Test
    void rawStreamFollowsTheFramingRules() {
        HttpResponse<String> r = server.http().post("/v1/chat/completions", Http.chat(ALIAS, "Once upon a time",
                "\"temperature\":0", "\"max_tokens\":8", "\"stream\":true", "\"stream_options\":{\"include_usage\":true}"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
        List<String> data = SseStream.parse(r.body()).data();
        List<JsonObject> chunks = data.subList(0, data.size() - 1).stream().map(Http::json).toList();
        assertThat(chunks.stream().map(c -> c.getString("id")).distinct()).hasSize(1);
        assertThat(chunks.stream().map(c -> c.getJsonNumber("created")).distinct()).hasSize(1);
        assertThat(chunks.getFirst().getJsonArray("choices").getJsonObject(0).getJsonObject("delta")
                .getString("role")).isEqualTo("assistant");
        JsonObject finish = chunks.get(chunks.size() - 2).getJsonArray("choices").getJsonObject(0);
        assertThat(finish.getJsonObject("delta")).isEmpty();
        assertThat(finish.getString("finish_reason")).isIn("stop", "length");
        assertThat(chunks.getLast().getJsonArray("choices")).isEmpty();
        assertThat(chunks.getLast().getJsonObject("usage").getInt("completion_tokens")).isBetween(1, 8);
    }

    @Test
    void serveJobLoadsIntoANewLocalInstanceWithProgressThenChatJobStreams() throws Exception {
        Jobs jobs = new Jobs(server.http());
        String create = jobs.submit("instance.create", "{\"name\":\"second\",\"type\":\"local\",\"config\":"
                + "{\"threads\":1}}").getString("id");
        assertThat(jobs.await(create, Duration.ofSeconds(30)).getString("status")).isEqualTo("succeeded");

        String path = Json.createValue(model.toString()).toString();
        JsonObject serve = jobs.submit("model.serve", "{\"instance\":\"second\",\"model\":" + path + "}");
        List<SseStream.Event> events;
        try (EventReader r = jobs.events(serve.getString("id"), null)) {
            events = r.rest();
        }
        assertThat(events.getLast().event()).as(events.toString()).isEqualTo("result");
        List<String> stages = events.subList(0, events.size() - 1).stream()
                .map(e -> Http.json(e.data()).getString("stage")).toList();
        assertThat(stages).contains("loading", "done");
        assertThat(Http.json(events.getLast().data()).getString("instance")).isEqualTo("second");

        JsonObject chat = jobs.submit("chat.completion", "{\"instance\":\"second\",\"request\":{\"model\":" + path
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}],\"temperature\":0,"
                + "\"max_tokens\":12}}");
        try (EventReader r = jobs.events(chat.getString("id"), null)) {
            events = r.rest();
        }
        assertThat(events.getLast().event()).isEqualTo("result");
        StringBuilder text = new StringBuilder();
        for (SseStream.Event e : events.subList(0, events.size() - 1)) {
            assertThat(e.event()).isEqualTo("chunk");
            Http.json(e.data()).getJsonArray("choices").forEach(c -> text.append(((JsonObject) c)
                    .getJsonObject("delta").getString("content", "")));
        }
        String whole = Http.json(events.getLast().data()).getJsonArray("choices").getJsonObject(0)
                .getJsonObject("message").getString("content");
        assertThat(text.toString()).isEqualTo(whole).isNotBlank();
        // The same prompt at temperature 0 through the endpoint, on the start-up instance, says the same.
        String viaEndpoint = Http.json(server.http().post("/v1/chat/completions", Http.chat(ALIAS,
                "Once upon a time", "\"temperature\":0", "\"max_tokens\":12"))).getJsonArray("choices")
                .getJsonObject(0).getJsonObject("message").getString("content");
        assertThat(viaEndpoint).isEqualTo(whole);
    }

    @Test
    void promptLongerThanTheContextIs400() {
        try (TestServer small = TestServer.start(c -> c.withContextSize(32)
                .withModels(List.of(new ModelSpec(model.toString(), ALIAS))))) {
            HttpResponse<String> r = small.http().post("/v1/chat/completions", Http.chat(ALIAS,
                    "Once upon a time there was a little girl who loved to play in the park with her friends "
                            + "every single day of the week."));
            JsonObject e = ErrorsHttpTest.error(r, 400);
            assertThat(e.getString("code")).isEqualTo("context_length_exceeded");
            assertThat(e.getString("message")).contains("context");
            assertThat(e.getInt("n_ctx")).isEqualTo(32);
            assertThat(e.getInt("n_prompt_tokens")).isGreaterThanOrEqualTo(32);
        }
    }
}
