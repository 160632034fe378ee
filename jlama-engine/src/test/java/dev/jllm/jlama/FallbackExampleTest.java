package dev.jllm.jlama;

import dev.jllm.api.Llm;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmService;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.models.testing.TestData;
import dev.jllm.providers.LlmServiceMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The example of docs/jlama.md: serve with local, and if local cannot run the architecture, serve it with jlama. */
class FallbackExampleTest {

    @TempDir
    Path home;

    /** The example, as the docs show it. */
    static Llm serveLocalElseJlama(LlmService service, String name, String model) {
        try {
            return service.create(name, LocalConfig.of(model));
        } catch (LlmException e) {
            if (e.kind() != LlmException.Kind.INVALID_REQUEST || !e.getMessage().contains("unsupported")) {
                throw e; // a missing file, a full disk, a bad option: jlama would not do better
            }
            return service.create(name, JlamaConfig.of(model));
        }
    }

    /**
     * A Gemma checkpoint (an architecture jlama runs and the local engine does not): stories260K's tensors under a
     * Gemma config. Its answers are not meaningful text (the weights were trained as Llama); the point is which
     * engine serves it.
     */
    private Path gemmaFixture() throws IOException {
        Path src = TestData.require("stories260K/hf");
        Path dir = home.resolve("gemma-fixture");
        Files.createDirectories(dir);
        for (String f : List.of("model.safetensors", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            Files.copy(src.resolve(f), dir.resolve(f));
        }
        String config = Files.readString(src.resolve("config.json"))
                .replace("\"LlamaForCausalLM\"", "\"GemmaForCausalLM\"")
                .replace("\"model_type\": \"llama\"", "\"model_type\": \"gemma\"")
                .replace("\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu_pytorch_tanh\"");
        assertThat(config).contains("GemmaForCausalLM", "\"gemma\"", "gelu_pytorch_tanh");
        Files.writeString(dir.resolve("config.json"), config);
        return dir;
    }

    @Test
    void aModelTheLocalEngineRunsStaysOnLocal() {
        try (LlmServiceMain service = new LlmServiceMain(home)) {
            Llm llm = serveLocalElseJlama(service, "e", TestData.require("stories260K/hf").toString());
            assertThat(llm.type()).isEqualTo("local");
        }
    }

    @Test
    void anArchitectureTheLocalEngineLacksIsServedByJlama() throws IOException {
        String model = gemmaFixture().toString();
        try (LlmServiceMain service = new LlmServiceMain(home)) {
            assertThatThrownBy(() -> service.create("l", LocalConfig.of(model)))
                    .hasMessageContaining("unsupported model class 'GemmaForCausalLM'");
            assertThat(service.list()).isEmpty(); // the failed create left nothing behind
            Llm llm = serveLocalElseJlama(service, "e", model);
            assertThat(llm.type()).isEqualTo("jlama");
            assertThat(llm.models()).extracting(m -> m.id()).containsExactly(model);
            ChatCompletion c = llm.chatCompletion(ChatCompletionRequest.builder().model(model).temperature(0.0)
                    .maxTokens(8).messages(ChatMessage.user("Once upon a time")).build());
            assertThat(c.usage().completionTokens()).isPositive();
            assertThat(c.choices().getFirst().finishReason()).isIn("length", "stop");
        }
    }

    @Test
    void otherFailuresAreNotHiddenByTheFallback() {
        try (LlmServiceMain service = new LlmServiceMain(home)) {
            String missing = home.resolve("nothing.gguf").toString();
            LlmException fromLocal = org.assertj.core.api.Assertions.catchThrowableOfType(LlmException.class,
                    () -> service.create("l", LocalConfig.of(missing)));
            assertThatThrownBy(() -> serveLocalElseJlama(service, "e", missing)).isInstanceOf(LlmException.class)
                    .hasMessage(fromLocal.getMessage()); // local's own error, jlama never tried
            assertThat(service.list()).isEmpty();
        }
    }
}
