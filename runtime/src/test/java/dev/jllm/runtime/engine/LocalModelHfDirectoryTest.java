package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.models.testing.TestData;
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

    @Test
    void quantizeAtLoadTimeGivesTheSameTokensFromHfOrGguf() throws Exception {
        JsonObject g;
        try (JsonReader r = Json.createReader(new StringReader(
                Files.readAllLines(TestData.require("stories260K/golden.jsonl"), StandardCharsets.UTF_8).get(0)))) {
            g = r.readObject();
        }
        int[] expected = g.getJsonArray("generated_ids").stream().mapToInt(v -> ((JsonNumber) v).intValue()).toArray();
        for (dev.jllm.models.gguf.GgmlType type : new dev.jllm.models.gguf.GgmlType[] {
                dev.jllm.models.gguf.GgmlType.Q8_0, dev.jllm.models.gguf.GgmlType.Q4_0}) {
            int[][] tokens = new int[2][];
            Path[] paths = {TestData.require("stories260K/hf"), TestData.require("stories260K/stories260K.gguf")};
            for (int i = 0; i < 2; i++) {
                try (LocalModel model = LocalModel.load("q", paths[i], 1, 0, type)) {
                    int[] prompt = model.tokenizer().encode(g.getString("prompt"), true, false);
                    tokens[i] = Generator.generate(model, prompt, GenerationOptions.greedy(expected.length),
                            (text, token, lp) -> true).tokens();
                }
            }
            // the same quantized rows from either source (the HF copy only differs in q/k row order)
            assertThat(tokens[0]).as("%s: HF directory vs GGUF", type).containsExactly(tokens[1]);
            if (type == dev.jllm.models.gguf.GgmlType.Q8_0) {
                // 8-bit weights keep this model on its exact greedy path (measured: all 64 tokens; Q4_0 leaves it at 23)
                assertThat(tokens[0]).containsExactly(expected);
            } else {
                assertThat(tokens[0]).isNotEqualTo(expected);
            }
        }
    }

    @Test
    void anUnknownQuantizeOptionIsRefusedByName() {
        assertThatThrownBy(() -> new LocalLlm("x", dev.jllm.api.LocalConfig.defaults().withOption("quantize", "q5_k")))
                .isInstanceOf(LlmException.class).hasMessageContaining("q8_0 or q4_0").hasMessageContaining("q5_k");
    }
}
