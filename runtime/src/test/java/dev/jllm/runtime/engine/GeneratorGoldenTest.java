package dev.jllm.runtime.engine;

import dev.jllm.runtime.sampling.SamplingParams;
import dev.jllm.runtime.scheduler.FinishReason;
import dev.jllm.models.testing.TestData;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** From prompt text to generated text, as a user runs it: llama.cpp's greedy outputs for every golden prompt. */
class GeneratorGoldenTest {
    private static LocalModel model;

    @BeforeAll
    static void load() {
        model = LocalModel.load("stories260K", TestData.require("stories260K/stories260K.gguf"), 2, 0);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void greedyTextMatchesLlamaCppForEveryGoldenPrompt() throws Exception {
        List<JsonObject> goldens = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.require("stories260K/golden.jsonl"), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                try (JsonReader r = Json.createReader(new StringReader(line))) {
                    goldens.add(r.readObject());
                }
            }
        }
        assertThat(goldens).hasSize(6);
        for (JsonObject g : goldens) {
            int[] prompt = model.tokenizer().encode(g.getString("prompt"), true, false);
            int[] expectedPrompt = g.getJsonArray("prompt_ids").stream().mapToInt(v -> ((jakarta.json.JsonNumber) v).intValue()).toArray();
            assertThat(prompt).as(g.getString("prompt")).containsExactly(expectedPrompt);
            StringBuilder streamed = new StringBuilder();
            GenerationResult r = Generator.generate(model, prompt, GenerationOptions.greedy(g.getInt("n_predict")),
                    (text, token, lp) -> {
                        streamed.append(text);
                        return true;
                    });
            int[] expected = g.getJsonArray("generated_ids").stream().mapToInt(v -> ((jakarta.json.JsonNumber) v).intValue()).toArray();
            assertThat(r.tokens()).as(g.getString("prompt")).containsExactly(expected);
            assertThat(r.text()).isEqualTo(g.getString("generated_text"));
            assertThat(streamed.toString()).isEqualTo(r.text());
            assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        }
    }

    @Test
    void stopStringsEndTheOutputAndAreNotEmitted() {
        int[] prompt = model.tokenizer().encode("Once upon a time", true, false);
        SamplingParams p = SamplingParams.greedy().withStop(List.of("Lily."));
        StringBuilder streamed = new StringBuilder();
        GenerationResult r = Generator.generate(model, prompt, new GenerationOptions(64, p, -1), (text, token, lp) -> {
            streamed.append(text);
            return true;
        });
        assertThat(r.text()).isEqualTo(", there was a little girl named ");
        assertThat(streamed.toString()).isEqualTo(r.text());
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void seededSamplingIsReproducible() {
        int[] prompt = model.tokenizer().encode("Once upon a time", true, false);
        SamplingParams p = SamplingParams.defaults().withTemperature(1.0f).withSeed(1234);
        GenerationResult a = Generator.generate(model, prompt, new GenerationOptions(40, p, -1), TokenListener.IGNORE);
        GenerationResult b = Generator.generate(model, prompt, new GenerationOptions(40, p, -1), TokenListener.IGNORE);
        GenerationResult c = Generator.generate(model, prompt, new GenerationOptions(40, p.withSeed(99), -1), TokenListener.IGNORE);
        assertThat(a.tokens()).containsExactly(b.tokens());
        assertThat(c.tokens()).isNotEqualTo(a.tokens());
    }

    @Test
    void generationEndsAtTheContextLimit() {
        try (LocalModel small = LocalModel.load("s", TestData.require("stories260K/stories260K.gguf"), 1, 16)) {
            int[] prompt = small.tokenizer().encode("Once upon a time", true, false);
            GenerationResult r = Generator.generate(small, prompt, GenerationOptions.greedy(0), TokenListener.IGNORE);
            assertThat(prompt.length + r.tokens().length).isEqualTo(16);
            assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        }
    }

    @Test
    void aPromptThatFillsTheContextIsAClearError() {
        try (LocalModel small = LocalModel.load("s", TestData.require("stories260K/stories260K.gguf"), 1, 4)) {
            int[] prompt = small.tokenizer().encode("Once upon a time", true, false);
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> Generator.generate(small, prompt, GenerationOptions.greedy(10), TokenListener.IGNORE))
                    .isInstanceOf(dev.jllm.api.LlmException.class)
                    .hasMessageContaining("5 tokens").hasMessageContaining("context holds 4")
                    .satisfies(e -> assertThat(((dev.jllm.api.LlmException) e).kind())
                            .isEqualTo(dev.jllm.api.LlmException.Kind.CONTEXT_LENGTH_EXCEEDED));
        }
    }

    @Test
    void listenerCanCancel() {
        int[] prompt = model.tokenizer().encode("Once upon a time", true, false);
        int[] seen = {0};
        GenerationResult r = Generator.generate(model, prompt, GenerationOptions.greedy(64), (text, token, lp) -> ++seen[0] < 5);
        assertThat(r.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(r.tokens()).hasSize(5);
    }
}
