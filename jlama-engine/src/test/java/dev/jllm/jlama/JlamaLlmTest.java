package dev.jllm.jlama;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.ProviderConfig;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.CompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.StreamOptions;
import dev.jllm.models.testing.TestData;
import dev.jllm.providers.LlmServiceMain;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The jlama instance type reached as users reach it: through the main-mode service and the provider SPI, on the
 * stories260K Hugging Face directory. (This module's tests run jlama's 256-bit Java kernels: see the pom.)
 */
class JlamaLlmTest {

    @TempDir
    Path home;

    LlmServiceMain service;
    String model;

    @BeforeEach
    void start() {
        model = TestData.require("stories260K/hf").toString();
        service = new LlmServiceMain(home);
        service.create("j", JlamaConfig.of(model).withThreads(2));
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private static Raw raw(String prompt, int n) {
        return new Raw(prompt, ChatCompletionRequest.builder().temperature(0.0).maxTokens(n));
    }

    /** A raw completion's fields, set as on a chat request's builder. */
    private record Raw(String prompt, ChatCompletionRequest.Builder b) {
        Raw model(String v) { b.model(v); return this; }
        Raw stop(String v) { b.stop(v); return this; }
        Raw temperature(Double v) { b.temperature(v); return this; }
        Raw seed(Long v) { b.seed(v); return this; }
        Raw logprobs(Boolean v) { b.logprobs(v); return this; }
        Raw logitBias(Map<String, Double> v) { b.logitBias(v); return this; }
        Raw presencePenalty(Double v) { b.presencePenalty(v); return this; }
        Raw n(Integer v) { b.n(v); return this; }
        Raw topP(Double v) { b.topP(v); return this; }
        CompletionRequest build() { return CompletionRequest.of(prompt, b.build()); }
    }

    private static JsonObject golden(int line) throws IOException {
        String l = Files.readAllLines(TestData.require("stories260K/golden.jsonl")).get(line);
        return Json.createReader(new StringReader(l)).readObject();
    }

    @Test
    void greedyRawCompletionReproducesLlamaCppsTokens() throws IOException {
        JsonObject g = golden(0);
        ChatCompletion c = service.get("j").complete(raw(g.getString("prompt"), 24).model(model).build());
        // the first 24 of llama.cpp's 64 greedy tokens, as text
        assertThat(g.getString("generated_text")).startsWith(c.text());
        assertThat(c.text()).startsWith(", there was a little girl named Lily");
        assertThat(c.usage().promptTokens()).isEqualTo(g.getJsonArray("prompt_ids").size());
        assertThat(c.usage().completionTokens()).isEqualTo(24);
        assertThat(c.choices().getFirst().finishReason()).isEqualTo("length");
    }

    @Test
    void wholeAndStreamedChatAgreeAtTemperatureZero() {
        Llm j = service.get("j");
        ChatCompletionRequest r = ChatCompletionRequest.builder().model(model).temperature(0.0).maxTokens(30)
                .messages(ChatMessage.user("Tell me a story")).streamOptions(new StreamOptions(true)).build();
        ChatCompletion whole = j.chatCompletion(r);
        assertThat(whole.text()).isNotBlank();
        assertThat(whole.model()).isEqualTo(model);
        StringBuilder streamed = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (ChatCompletionStream s = j.chatCompletionStream(r)) {
            s.forEach(c -> {
                chunks.add(c);
                streamed.append(c.text());
            });
        }
        assertThat(streamed.toString()).isEqualTo(whole.text());
        assertThat(chunks.getFirst().choices().getFirst().delta().role()).isEqualTo("assistant");
        assertThat(chunks.get(chunks.size() - 2).choices().getFirst().finishReason())
                .isEqualTo(whole.choices().getFirst().finishReason());
        assertThat(chunks.getLast().usage()).isEqualTo(whole.usage());
    }

    @Test
    void theModelsChatTemplateRendersTheMessages() throws IOException {
        // stories260K has no template (ChatML is the fallback); this copy's template is the user's text as it is,
        // so the chat answer must be the raw continuation of that text
        Path dir = home.resolve("templated");
        Files.createDirectories(dir);
        for (String f : List.of("model.safetensors", "tokenizer.json", "config.json", "special_tokens_map.json")) {
            Files.copy(Path.of(model).resolve(f), dir.resolve(f));
        }
        String config = Files.readString(Path.of(model).resolve("tokenizer_config.json")).strip();
        Files.writeString(dir.resolve("tokenizer_config.json"), config.substring(0, config.length() - 1)
                + ", \"chat_template\": \"{% for m in messages %}{{ m['content'] }}{% endfor %}\"}");
        Llm j = service.get("j");
        j.serve(dir.toString(), e -> { });
        ChatCompletion c = j.chatCompletion(ChatCompletionRequest.builder().model(dir.toString()).temperature(0.0)
                .maxTokens(8).messages(ChatMessage.user("Once upon a time")).build());
        assertThat(c.text()).isEqualTo(j.complete(raw("Once upon a time", 8).model(dir.toString()).build()).text())
                .startsWith(", there was a little");
        ChatCompletion fallback = j.chatCompletion(ChatCompletionRequest.builder().model(model).temperature(0.0)
                .maxTokens(8).messages(ChatMessage.user("Once upon a time")).build());
        assertThat(fallback.usage().promptTokens()).isGreaterThan(c.usage().promptTokens()); // ChatML markers
    }

    @Test
    void stopStringsEndTheAnswerBeforeThem() {
        ChatCompletion c = service.get("j").complete(raw("Once upon a time", 40).stop("Lily").build());
        assertThat(c.text()).isEqualTo(", there was a little girl named ");
        assertThat(c.choices().getFirst().finishReason()).isEqualTo("stop");
        StringBuilder streamed = new StringBuilder();
        try (ChatCompletionStream s = service.get("j").completeStream(raw("Once upon a time", 40).stop("Lily").build())) {
            s.forEach(ch -> streamed.append(ch.text()));
        }
        assertThat(streamed.toString()).isEqualTo(c.text());
    }

    @Test
    void aSeedMakesSamplingRepeatable() {
        CompletionRequest r = raw("Once upon a time", 30).temperature(1.0).seed(42L).build();
        String a = service.get("j").complete(r).text();
        String b = service.get("j").complete(r).text();
        assertThat(a).isNotBlank().isEqualTo(b);
    }

    @Test
    void whatJlamaCannotHonourIsRefusedByName() {
        Llm j = service.get("j");
        for (var e : Map.of("logprobs", raw("x", 4).logprobs(true), "logit_bias", raw("x", 4).logitBias(Map.of("5", 1.0)),
                "presence_penalty", raw("x", 4).presencePenalty(0.5), "n", raw("x", 4).n(2),
                "top_p", raw("x", 4).topP(1.5)).entrySet()) {
            assertThatThrownBy(() -> j.complete(e.getValue().build())).isInstanceOf(LlmException.class)
                    .hasMessageContaining("'" + e.getKey() + "'")
                    .extracting(x -> ((LlmException) x).kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
        }
        assertThatThrownBy(() -> j.chatCompletion(ChatCompletionRequest.builder()
                .messages(ChatMessage.tool("c1", "42")).build())).hasMessageContaining("messages[0].role");
    }

    @Test
    void aClosedStreamFreesTheModelForTheNextCaller() throws Exception {
        Llm j = service.get("j");
        try (ChatCompletionStream s = j.completeStream(raw("Once upon a time", 2000).build())) {
            Iterator<ChatCompletionChunk> it = s.iterator();
            it.next();
            it.next();
        }
        // the next generation gets the model's turn: it would wait for the 2000 tokens otherwise
        CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> j.complete(raw("Once upon a time", 5).build()).text());
        assertThat(next.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(", there was a little");
    }

    @Test
    void concurrentRequestsTakeTurnsAndGetTheirOwnAnswers() throws Exception {
        Llm j = service.get("j");
        List<CompletableFuture<String>> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(CompletableFuture.supplyAsync(() -> j.completeStream(raw("Once upon a time", 20).build())
                    .collect().text()));
        }
        String first = all.getFirst().get();
        for (CompletableFuture<String> f : all) {
            assertThat(f.get()).isEqualTo(first);
        }
        assertThat(first).startsWith(", there was a little girl");
    }

    @Test
    void unloadModelsAndInfo() {
        Llm j = service.get("j");
        assertThat(j.models()).extracting(m -> m.id()).containsExactly(model);
        assertThat(j.info().details()).containsEntry("engine", "jlama").containsEntry("raw_prompt", "true")
                .containsKey("kernels").containsEntry("threads", "2");
        assertThat(j.info().details().get("kernels")).startsWith("java");
        j.unload(model);
        assertThat(j.models()).isEmpty();
        assertThatThrownBy(() -> j.unload(model)).extracting(x -> ((LlmException) x).kind())
                .isEqualTo(LlmException.Kind.NOT_FOUND);
        // a request naming the directory loads it again
        assertThat(j.complete(raw("Once upon a time", 3).model(model).build()).text()).isEqualTo(", there was");
    }

    @Test
    void aFailedLoadLeavesNothingBehind() throws IOException {
        Llm j = service.get("j");
        String gguf = TestData.require("stories260K/stories260K.gguf").toString();
        assertThatThrownBy(() -> j.serve(gguf, e -> { })).isInstanceOf(LlmException.class)
                .hasMessageContaining("local instance type")
                .extracting(x -> ((LlmException) x).kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
        Path odd = home.resolve("odd");
        Files.createDirectories(odd);
        for (String f : List.of("model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(Path.of(model).resolve(f), odd.resolve(f));
        }
        Files.writeString(odd.resolve("config.json"), Files.readString(Path.of(model).resolve("config.json"))
                .replace("\"model_type\": \"llama\"", "\"model_type\": \"rwkv\""));
        assertThatThrownBy(() -> j.serve(odd.toString(), e -> { })).isInstanceOf(LlmException.class)
                .hasMessageContaining("unsupported architecture")
                .extracting(x -> ((LlmException) x).kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
        assertThat(j.models()).extracting(m -> m.id()).containsExactly(model);
        assertThatThrownBy(() -> j.serve(home.resolve("missing").toString(), e -> { }))
                .extracting(x -> ((LlmException) x).kind()).isEqualTo(LlmException.Kind.NOT_FOUND);
    }

    @Test
    void configsRoundTripThroughTheSpi() {
        JlamaConfig c = JlamaConfig.of(model).withThreads(2).withContextSize(256).withQuantize("F32");
        assertThat(LlmConfig.fromMap("jlama", c.toMap())).isEqualTo(c);
        assertThat(JlamaConfig.from(new ProviderConfig("jlama", Map.of("model", model)))).isEqualTo(JlamaConfig.of(model));
        assertThatThrownBy(() -> LlmConfig.fromMap("jlama", Map.of("kv_type", "f16")))
                .hasMessageContaining("unknown option 'kv_type' for jlama instances");
        assertThatThrownBy(() -> JlamaConfig.defaults().withQuantize("q4")).hasMessageContaining("quantize");
        assertThatThrownBy(() -> service.create("other", JlamaConfig.defaults().withThreads(1)))
                .hasMessageContaining("already started with 2 threads");
    }
}
