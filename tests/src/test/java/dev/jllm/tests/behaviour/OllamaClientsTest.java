package dev.jllm.tests.behaviour;

import dev.jllm.langchain4j.testing.StreamedResponse;
import dev.jllm.tests.support.Closeables;
import dev.jllm.tests.support.JllmCli;
import dev.jllm.tests.support.ServerProcess;
import dev.jllm.models.testing.TestData;
import dev.jllm.tests.support.Http;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaEmbeddingModel;
import dev.langchain4j.model.ollama.OllamaLanguageModel;
import dev.langchain4j.model.ollama.OllamaModel;
import dev.langchain4j.model.ollama.OllamaModelCard;
import dev.langchain4j.model.ollama.OllamaModels;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.ollama.RunningOllamaModel;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Ollama's own clients against {@code jllm serve} started with no {@code --model}: the store (a temporary
 * JLLM_HOME) holds stories260K, pulled from a Hub-protocol test server, and every request loads what it names.
 * The {@code ollama} npm library (installed with npm under target/) and LangChain4j's Ollama module each chat,
 * stream, generate, list, show, ps, copy, delete and unload with keep_alive 0; npm also pulls with progress;
 * both embed. {@code jllm ps / stop / cp} run as the user would, against the same server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OllamaClientsTest {

    private static final String MODEL = MiniHub.REF; // hf.co/jllm-test/stories260K:F32

    @TempDir
    static Path home;
    private static MiniHub hub;
    private static ServerProcess server;

    @BeforeAll
    static void start() {
        Path model = TestData.stories260k();
        hub = new MiniHub(model);
        server = ServerProcess.start(home.resolve("server-home"), Map.of("HF_ENDPOINT", hub.endpoint(),
                "JLLM_KEEP_ALIVE", "5m", "JLLM_MAX_LOADED", "2"), 0);
        HttpResponse<String> pulled = server.http().post("/api/pull", "{\"model\":\"" + MODEL + "\",\"stream\":false}");
        assertThat(pulled.statusCode()).as(pulled.body()).isEqualTo(200);
        assertThat(Http.json(pulled).getString("status")).isEqualTo("success");
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(server, hub);
    }

    @Test
    @Order(1)
    void theOllamaNpmClientWorks() throws Exception {
        Path dir = npmProject();
        // The npm client pulls with progress: take the model out of the store so that bytes move.
        HttpResponse<String> deleted = server.http().send(server.http().request("/api/delete").method("DELETE",
                java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL + "\"}"))
                .header("Content-Type", "application/json").build());
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);

        String out = run(dir, List.of("node", "npm-client.mjs", server.baseUrl(), MODEL), Duration.ofMinutes(4));
        JsonObject r = Http.json(out.lines().reduce((a, b) -> b).orElseThrow());

        JsonObject pull = r.getJsonObject("pull");
        assertThat(strings(pull.getJsonArray("statuses"))).contains("pulling manifest", "pulling <digest>",
                "success");
        assertThat(pull.getInt("withBytes")).isGreaterThan(1);
        assertThat(pull.getJsonNumber("lastCompleted").longValue()).isEqualTo(hub.size());
        assertThat(pull.getJsonNumber("total").longValue()).isEqualTo(hub.size());

        assertThat(r.getJsonArray("list").stream().map(v -> v.asJsonObject().getString("name")))
                .contains(MODEL);
        JsonObject listed = r.getJsonArray("list").stream().map(JsonValue::asJsonObject)
                .filter(m -> m.getString("name").equals(MODEL)).findFirst().orElseThrow();
        assertThat(listed.getJsonNumber("size").longValue()).isEqualTo(hub.size());
        assertThat(listed.getString("format")).isEqualTo("gguf");
        assertThat(listed.getString("family")).isEqualTo("llama");

        JsonObject show = r.getJsonObject("show");
        assertThat(show.getString("family")).isEqualTo("llama");
        assertThat(show.getString("quantization")).isEqualTo("F32");
        assertThat(show.getString("arch")).isEqualTo("llama");
        assertThat(show.getInt("ctx")).isPositive();

        JsonObject chat = r.getJsonObject("chat");
        assertThat(chat.getString("role")).isEqualTo("assistant");
        assertThat(chat.getString("content")).isNotEmpty();
        assertThat(chat.getBoolean("done")).isTrue();
        assertThat(chat.getString("done_reason")).isIn("stop", "length");
        assertThat(chat.getInt("eval_count")).isBetween(1, 8);
        assertThat(chat.getInt("prompt_eval_count")).isPositive();
        assertThat(chat.getJsonNumber("total_duration").longValue()).isPositive();

        JsonObject stream = r.getJsonObject("chatStream");
        assertThat(stream.getString("content")).isEqualTo(chat.getString("content")); // greedy: the same text
        assertThat(stream.getInt("parts")).isGreaterThan(2);
        assertThat(stream.getBoolean("done")).isTrue();
        assertThat(stream.getInt("eval_count")).isEqualTo(chat.getInt("eval_count"));

        JsonObject gen = r.getJsonObject("generate");
        assertThat(gen.getString("response")).isNotEmpty();
        assertThat(gen.getInt("eval_count")).isBetween(1, 6);

        JsonArray ps = r.getJsonArray("ps");
        assertThat(ps).hasSize(1);
        assertThat(ps.getJsonObject(0).getString("name")).isEqualTo(MODEL);
        assertThat(ps.getJsonObject(0).getInt("size_vram")).isZero();

        assertThat(strings(r.getJsonArray("afterCopy"))).contains("npm-copy:latest", MODEL);
        assertThat(r.getJsonObject("copyChat").getBoolean("done")).isTrue();
        assertThat(strings(r.getJsonArray("psAfterCopyChat"))).containsExactly(MODEL); // one model, two names
        assertThat(strings(r.getJsonArray("afterDelete"))).doesNotContain("npm-copy:latest").contains(MODEL);

        // the model's generic template cannot show tools: offering them is a 400 naming them
        JsonObject refusedTools = r.getJsonObject("toolsRefused");
        assertThat(refusedTools.getBoolean("refused")).isTrue();
        assertThat(refusedTools.getInt("status")).isEqualTo(400);
        assertThat(refusedTools.getString("error")).contains("'tools'");
        JsonObject tools = r.getJsonObject("toolChat");
        assertThat(tools.getBoolean("done")).isTrue();
        // the call history was rendered into the prompt
        assertThat(tools.getInt("prompt_eval_count")).isGreaterThan(r.getInt("plainPromptTokens"));

        JsonObject format = r.getJsonObject("format");
        if (format.getBoolean("refused")) {
            assertThat(format.getInt("status")).isEqualTo(400);
            assertThat(format.getString("error")).contains("'format'");
        } else {
            assertThat(format.getBoolean("done")).isTrue();
            if (format.getString("done_reason").equals("stop")) {
                assertThat(Http.json(format.getString("content"))).isNotNull(); // a whole JSON object, as asked
            } else {
                // num_predict cut it: what there is is the start of an object (constrained decoding)
                assertThat(format.getString("done_reason")).isEqualTo("length");
                assertThat(format.getString("content")).startsWith("{");
            }
        }

        JsonObject embed = r.getJsonObject("embed");
        assertThat(embed.getJsonArray("embeddings")).hasSize(1);
        assertThat(embed.getJsonArray("embeddings").getJsonArray(0)).hasSize(64); // stories260K's width
        assertThat(embed.getInt("prompt_eval_count")).isPositive();

        JsonObject missing = r.getJsonObject("missing");
        assertThat(missing.getInt("status")).isEqualTo(404);
        assertThat(missing.getString("error")).isEqualTo("model 'no-such/model:Q4_0' not found");
        assertThat(r.getJsonObject("image").getInt("status")).isEqualTo(400);
        assertThat(r.getJsonObject("image").getString("error")).contains("images are not supported");

        assertThat(r.getJsonArray("psAfterKeepAlive0")).isEmpty();
    }

    @Test
    @Order(2)
    void langChain4jsOllamaModuleWorks() throws Exception {
        String base = server.baseUrl();
        OllamaChatModel chat = OllamaChatModel.builder().baseUrl(base).modelName(MODEL).temperature(0.0)
                .numPredict(8).timeout(Duration.ofMinutes(2)).build();
        ChatResponse answer = chat.chat(UserMessage.from("Once upon a time"));
        assertThat(answer.aiMessage().text()).isNotEmpty();
        assertThat(answer.tokenUsage().outputTokenCount()).isBetween(1, 8);
        assertThat(answer.tokenUsage().inputTokenCount()).isPositive();

        OllamaStreamingChatModel streaming = OllamaStreamingChatModel.builder().baseUrl(base).modelName(MODEL)
                .temperature(0.0).numPredict(8).timeout(Duration.ofMinutes(2)).build();
        StreamedResponse handler = new StreamedResponse();
        streaming.chat(List.of(UserMessage.from("Once upon a time")), handler);
        ChatResponse streamed = handler.await(Duration.ofMinutes(2));
        List<String> pieces = handler.pieces();
        assertThat(pieces.size()).isGreaterThan(2);
        assertThat(String.join("", pieces)).isEqualTo(answer.aiMessage().text()).isEqualTo(streamed.aiMessage().text());

        OllamaLanguageModel language = OllamaLanguageModel.builder().baseUrl(base).modelName(MODEL)
                .temperature(0.0).numPredict(6).timeout(Duration.ofMinutes(2)).build();
        assertThat(language.generate("Once upon a time").content()).isNotEmpty();

        OllamaModels models = OllamaModels.builder().baseUrl(base).timeout(Duration.ofMinutes(1)).build();
        List<OllamaModel> available = models.availableModels().content();
        assertThat(available).extracting(OllamaModel::getName).contains(MODEL);
        OllamaModelCard card = models.modelCard(MODEL).content();
        assertThat(card.getDetails().getFamily()).isEqualTo("llama");
        assertThat(card.getModelInfo()).containsEntry("general.architecture", "llama");
        List<RunningOllamaModel> running = models.runningModels().content();
        assertThat(running).extracting(RunningOllamaModel::getName).containsExactly(MODEL);

        OllamaEmbeddingModel embedding = OllamaEmbeddingModel.builder().baseUrl(base).modelName(MODEL)
                .timeout(Duration.ofMinutes(1)).maxRetries(0).build();
        float[] vector = embedding.embed("hello").content().vector();
        assertThat(vector).hasSize(64);
        double norm = 0;
        for (float x : vector) {
            norm += x * x;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));

        // keep_alive 0 (a request with no messages): unloaded at once
        HttpResponse<String> unload = server.http().post("/api/chat", "{\"model\":\"" + MODEL
                + "\",\"messages\":[],\"keep_alive\":0}");
        assertThat(unload.statusCode()).as(unload.body()).isEqualTo(200);
        assertThat(Http.json(unload).getString("done_reason")).isEqualTo("unload");
        assertThat(models.runningModels().content()).isEmpty();
    }

    @Test
    @Order(3)
    void jllmPsStopAndCpTalkToTheServer() throws Exception {
        HttpResponse<String> load = server.http().post("/api/generate", "{\"model\":\"jllm-test/stories260K:f32\"}");
        assertThat(load.statusCode()).as(load.body()).isEqualTo(200);
        assertThat(Http.json(load).getString("done_reason")).isEqualTo("load");

        String ps = cli("ps");
        assertThat(ps).contains("NAME").contains(MODEL).contains("minutes from now");

        String cp = cli("cp", MODEL, "tiny:v1");
        assertThat(cp).contains("copied");
        HttpResponse<String> viaCopy = server.http().post("/api/chat", "{\"model\":\"tiny:v1\",\"stream\":false,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Once\"}],\"options\":{\"num_predict\":2}}");
        assertThat(viaCopy.statusCode()).as(viaCopy.body()).isEqualTo(200);
        assertThat(Http.json(viaCopy).getString("model")).isEqualTo("tiny:v1");
        // every spelling is one loaded model
        assertThat(Http.json(server.http().get("/api/ps")).getJsonArray("models")).hasSize(1);

        // the OpenAI routes serve the store the same way: listed, and loaded on demand under one name
        assertThat(Http.json(server.http().get("/v1/models")).getJsonArray("data").stream()
                .map(v -> v.asJsonObject().getString("id"))).contains(MODEL, "tiny:v1");
        HttpResponse<String> openAi = server.http().post("/v1/chat/completions", Http.chat("hf.co/jllm-test/stories260K",
                "Once", "\"max_tokens\":2"));
        assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(200);
        assertThat(Http.json(server.http().get("/api/ps")).getJsonArray("models")).hasSize(1);

        cli("stop", "tiny:v1");
        assertThat(cli("ps")).doesNotContain(MODEL);
    }

    @Test
    @Order(4)
    void keepAliveRunsOutAndUnloads() throws Exception {
        HttpResponse<String> r = server.http().post("/api/generate", "{\"model\":\"" + MODEL + "\",\"stream\":false,"
                + "\"prompt\":\"Once\",\"keep_alive\":\"1s\",\"options\":{\"num_predict\":2}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Http.json(server.http().get("/api/ps")).getJsonArray("models")).hasSize(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Http.json(server.http().get("/api/ps")).getJsonArray("models").isEmpty()) {
            assertThat(System.nanoTime()).as("the model is still loaded 20 s after a keep_alive of 1 s")
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    @Order(5)
    void numCtxLoadsTheModelWithThatContext() {
        for (int ctx : new int[] {256, 512}) {
            HttpResponse<String> r = server.http().post("/api/chat", "{\"model\":\"" + MODEL + "\",\"stream\":false,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Once\"}],\"options\":{\"num_predict\":2,"
                    + "\"num_ctx\":" + ctx + "}}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonArray ps = Http.json(server.http().get("/api/ps")).getJsonArray("models");
            assertThat(ps).hasSize(1); // reloaded with the new context, not loaded twice
            assertThat(ps.getJsonObject(0).getInt("context_length")).isEqualTo(ctx);
        }
        HttpResponse<String> bad = server.http().post("/api/chat", "{\"model\":\"" + MODEL + "\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"x\"}],\"options\":{\"mirostat\":1}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Http.json(bad).getString("error")).contains("mirostat").contains("not supported");
    }

    /** The npm project under target/, with the client installed once. */
    private static Path npmProject() throws IOException, InterruptedException {
        Path dir = Path.of("target", "ollama-npm").toAbsolutePath();
        Files.createDirectories(dir);
        for (String f : List.of("package.json", "npm-client.mjs")) {
            try (var in = OllamaClientsTest.class.getResourceAsStream("/ollama/" + f)) {
                Files.write(dir.resolve(f), in.readAllBytes());
            }
        }
        if (!Files.isDirectory(dir.resolve("node_modules/ollama"))) {
            run(dir, List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), Duration.ofMinutes(5));
        }
        return dir;
    }

    /** {@code jllm ARGS} as a user runs it, with JLLM_HOST pointing at the test server. */
    private static String cli(String... args) {
        JllmCli.Result r = JllmCli.run(Map.of("JLLM_HOST", "127.0.0.1:" + server.port()), Duration.ofMinutes(1),
                args);
        assertThat(r.exit()).as("jllm " + String.join(" ", args) + ": " + r.output()).isZero();
        return r.output();
    }


    private static String run(Path dir, List<String> cmd, Duration limit) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish in " + limit + ": " + out.getNow(""));
        }
        String text = out.join();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + " failed: " + text + "\nserver log:\n"
                + server.logTail()).isZero();
        return text;
    }

    private static List<String> strings(JsonArray a) {
        return a.stream().map(v -> ((jakarta.json.JsonString) v).getString()).toList();
    }
}
