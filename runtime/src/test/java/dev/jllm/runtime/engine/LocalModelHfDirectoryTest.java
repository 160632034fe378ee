package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.runtime.testing.TestData;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LocalModel takes a Hugging Face directory wherever it takes a GGUF file, with the same results and errors. */
class LocalModelHfDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void theStoriesDirectoryGeneratesTheGoldenText() throws Exception {
        try (LocalModel model = LocalModel.load("stories-hf", TestData.require("stories260K/hf"), 2, 0)) {
            assertThat(model.gguf()).isNull();
            assertThat(model.contextSize()).isEqualTo(2048);
            assertThat(model.endOfGenerationTokens()).contains(2);
            int checked = 0;
            for (String line : Files.readAllLines(TestData.require("stories260K/golden.jsonl"), StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonObject g;
                try (JsonReader r = Json.createReader(new StringReader(line))) {
                    g = r.readObject();
                }
                int[] prompt = model.tokenizer().encode(g.getString("prompt"), true, false);
                int[] expectedPrompt = g.getJsonArray("prompt_ids").stream().mapToInt(v -> ((JsonNumber) v).intValue()).toArray();
                assertThat(prompt).containsExactly(expectedPrompt);
                GenerationResult r = Generator.generate(model, prompt, GenerationOptions.greedy(g.getInt("n_predict")),
                        (text, token, lp) -> true);
                assertThat(r.text()).as(g.getString("prompt")).isEqualTo(g.getString("generated_text"));
                checked++;
            }
            assertThat(checked).isEqualTo(6);
        }
    }

    @Test
    void anUnsupportedModelClassOrMissingDirectoryIsAClearError() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"architectures\": [\"GPTNeoXForCausalLM\"]}");
        Files.copy(TestData.require("stories260K/hf/model.safetensors"), dir.resolve("model.safetensors"));
        assertThatThrownBy(() -> LocalModel.load("x", dir, 1, 0)).isInstanceOf(LlmException.class)
                .hasMessageContaining("GPTNeoXForCausalLM").hasMessageContaining("Qwen2ForCausalLM")
                .extracting(e -> ((LlmException) e).kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
        Files.writeString(dir.resolve("config.json"), Files.readString(TestData.require("stories260K/hf/config.json")));
        assertThatThrownBy(() -> LocalModel.load("x", dir, 1, 0)).isInstanceOf(LlmException.class)
                .hasMessageContaining("tokenizer.json")
                .extracting(e -> ((LlmException) e).kind()).isEqualTo(LlmException.Kind.NOT_FOUND);
        Files.delete(dir.resolve("model.safetensors"));
        assertThatThrownBy(() -> LocalModel.load("x", dir, 1, 0)).isInstanceOf(LlmException.class)
                .hasMessageContaining("model.safetensors")
                .extracting(e -> ((LlmException) e).kind()).isEqualTo(LlmException.Kind.NOT_FOUND);
    }
}
