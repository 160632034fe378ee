package dev.jllm.tests.behaviour;

import dev.jllm.tests.support.ServerProcess;
import dev.jllm.api.Llm;
import dev.jllm.api.ProviderConfig;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.jlama.JlamaConfig;
import dev.jllm.models.testing.TestData;
import dev.jllm.proxy.LlmServiceProxy;
import dev.jllm.tests.support.EventReader;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.Jobs;
import dev.jllm.tests.support.SseStream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code jlama} instance on a running {@code jllm serve}, created through the jobs API, serving the stories260K
 * Hugging Face directory: chat whole and streamed over /v1/chat/completions and the jobs API, raw completion, its
 * model listed, unloaded; the same greedy prompt on a {@code local} instance gives the same tokens; a proxy client
 * creates and uses a jlama instance as a server-side job. The server runs with jlama's 256-bit Java kernels, the
 * ones that compute stories260K's 8-wide heads right (docs/jlama.md).
 */
@Timeout(300)
class JlamaInstanceTest {

    private static final Duration JOB_LIMIT = Duration.ofSeconds(120);

    @TempDir
    static Path home;

    static ServerProcess server;
    static Http http;
    static Jobs jobs;
    static String hf;
    static String gguf;

    @BeforeAll
    static void start() throws InterruptedException {
        hf = TestData.require("stories260K/hf").toString();
        gguf = TestData.require("stories260K/stories260K.gguf").toString();
        server = ServerProcess.start(home, Map.of("JAVA_TOOL_OPTIONS",
                "-XX:MaxVectorSize=32 -Djllm.jlama.native=false"), 0);
        http = server.http();
        jobs = new Jobs(http);
        JsonObject created = run("instance.create", "{\"name\":\"jl\",\"type\":\"jlama\",\"config\":{\"model\":"
                + Json.createValue(hf) + ",\"threads\":2}}");
        assertThat(created.getString("type")).isEqualTo("jlama");
        assertThat(created.getJsonArray("loaded_models").getString(0)).isEqualTo(hf);
        assertThat(created.getJsonObject("details").getString("kernels")).startsWith("java");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Runs a job to its end; fails unless it succeeded. */
    private static JsonObject run(String type, String params) throws InterruptedException {
        String id = jobs.submit(type, params).getString("id");
        JsonObject done = jobs.await(id, JOB_LIMIT);
        assertThat(done.getString("status")).as(done.toString()).isEqualTo("succeeded");
        return done.getJsonObject("result");
    }

    private static String chatBody(String model, String text, int n, String... extra) {
        String[] members = new String[extra.length + 2];
        members[0] = "\"temperature\":0";
        members[1] = "\"max_tokens\":" + n;
        System.arraycopy(extra, 0, members, 2, extra.length);
        return Http.chat(model, text, members);
    }

    @Test
    void chatWholeAndStreamedOverTheOpenAiApiAndTheJobsApi() throws Exception {
        HttpResponse<String> whole = http.post("/v1/chat/completions", chatBody("jl", "Once upon a time", 24));
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        JsonObject c = Http.json(whole);
        String text = c.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
        assertThat(text).isNotBlank();
        assertThat(c.getJsonObject("usage").getInt("completion_tokens")).isBetween(1, 24);

        HttpResponse<InputStream> streamed = http.stream(http.request("/v1/chat/completions")
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(chatBody("jl", "Once upon a time", 24,
                        "\"stream\":true"))).build());
        assertThat(streamed.statusCode()).isEqualTo(200);
        SseStream sse;
        try (InputStream in = streamed.body()) {
            sse = SseStream.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertThat(sse.data().getLast()).isEqualTo("[DONE]");
        StringBuilder fromChunks = new StringBuilder();
        for (String d : sse.data().subList(0, sse.data().size() - 1)) {
            JsonObject delta = Http.json(d).getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
            fromChunks.append(delta.getString("content", ""));
        }
        assertThat(fromChunks.toString()).isEqualTo(text);

        String job = jobs.submit("chat.completion", "{\"instance\":\"jl\",\"request\":"
                + chatBody(hf, "Once upon a time", 24) + "}").getString("id");
        List<SseStream.Event> events;
        try (EventReader r = jobs.events(job, null)) {
            events = r.rest();
        }
        assertThat(events.getLast().event()).as(events.getLast().data()).isEqualTo("result");
        assertThat(events).filteredOn(e -> "chunk".equals(e.event())).isNotEmpty();
        JsonObject result = Http.json(events.getLast().data());
        assertThat(result.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
                .isEqualTo(text);
    }

    @Test
    void theSameGreedyPromptGivesTheSameTokensOnLocalAndJlama() throws Exception {
        run("instance.create", "{\"name\":\"lo\",\"type\":\"local\",\"config\":{\"model\":" + Json.createValue(gguf)
                + ",\"threads\":2}}");
        String prompt = "{\"prompt\":\"Once upon a time\",\"temperature\":0,\"max_tokens\":32,\"model\":";
        HttpResponse<String> local = http.post("/v1/completions", prompt + "\"lo\"}");
        HttpResponse<String> jlama = http.post("/v1/completions", prompt + "\"jl\"}");
        assertThat(local.statusCode()).as(local.body()).isEqualTo(200);
        assertThat(jlama.statusCode()).as(jlama.body()).isEqualTo(200);
        String fromLocal = Http.json(local).getJsonArray("choices").getJsonObject(0).getString("text");
        String fromJlama = Http.json(jlama).getJsonArray("choices").getJsonObject(0).getString("text");
        assertThat(fromJlama).startsWith(", there was a little girl named Lily").isEqualTo(fromLocal);
        for (String count : List.of("prompt_tokens", "completion_tokens")) {
            assertThat(Http.json(jlama).getJsonObject("usage").getInt(count))
                    .isEqualTo(Http.json(local).getJsonObject("usage").getInt(count));
        }
    }

    @Test
    void modelsAreListedAndUnloaded() throws Exception {
        run("instance.create", "{\"name\":\"jl2\",\"type\":\"jlama\",\"config\":{\"model\":" + Json.createValue(hf)
                + "}}");
        // the server routes by instance name (or instance/model): /v1/models lists what routes
        assertThat(http.get("/v1/models").body()).contains("\"jl2\"");
        assertThat(http.post("/v1/chat/completions", chatBody("jl2/" + hf, "Once", 2)).statusCode()).isEqualTo(200);
        JsonObject listed = run("models.list", "{\"instance\":\"jl2\"}");
        assertThat(listed.getJsonArray("data").getJsonObject(0).getString("id")).isEqualTo(hf);
        JsonObject unloaded = run("model.unload", "{\"instance\":\"jl2\",\"model\":" + Json.createValue(hf) + "}");
        assertThat(unloaded.getBoolean("unloaded")).isTrue();
        assertThat(run("models.list", "{\"instance\":\"jl2\"}").getJsonArray("data")).isEmpty();
        assertThat(run("instance.info", "{\"instance\":\"jl2\"}").getJsonArray("loaded_models")).isEmpty();
        // a bad option is a 400 naming it, before anything is created
        HttpResponse<String> bad = http.post("/v1/jobs", "{\"type\":\"instance.create\",\"params\":{\"name\":\"x\","
                + "\"type\":\"jlama\",\"config\":{\"kv_type\":\"f16\"}}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("unknown option 'kv_type' for jlama instances");
    }

    @Test
    void aProxyClientCreatesAndUsesJlamaInstancesOnTheServer() {
        try (LlmServiceProxy proxy = LlmServiceProxy.connect(server.baseUrl())) {
            Llm typed = proxy.create("viaProxy", JlamaConfig.of(hf).withThreads(2));
            Llm untyped = proxy.create("viaProxyUntyped", new ProviderConfig("jlama", Map.of("model", hf)));
            for (Llm llm : List.of(typed, untyped)) {
                assertThat(llm.type()).isEqualTo("jlama");
                String text = llm.chatCompletion(ChatCompletionRequest.builder().model(hf).temperature(0.0)
                        .maxTokens(8).messages(ChatMessage.user("Once upon a time")).build()).text();
                assertThat(text).isNotBlank();
            }
            assertThat(proxy.info("viaProxy").details()).containsEntry("engine", "jlama");
        }
    }
}
