package dev.jllm.runtime.tokenizer;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.testing.TestData;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** stories260K's tokenizer against llama.cpp's goldens: prompts with BOS, generated ids back to text. */
class StoriesGoldenTest {

    @Test
    void promptsAndGenerationsMatchLlamaCpp() throws Exception {
        Path model = TestData.require("stories260K/stories260K.gguf");
        Path golden = TestData.require("stories260K/golden.jsonl");
        Tokenizer tok;
        try (GgufFile f = GgufFile.open(model)) {
            tok = Tokenizers.fromGguf(f);
        }
        assertThat(tok.type()).isEqualTo(VocabType.SPM);
        assertThat(tok.vocabSize()).isEqualTo(512);
        assertThat(tok.bos()).isEqualTo(1);
        assertThat(tok.eos()).isEqualTo(2);
        assertThat(tok.addsBos()).isTrue();
        assertThat(tok.isEndOfGeneration(2)).isTrue();

        List<String> lines = Files.readAllLines(golden, StandardCharsets.UTF_8);
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            JsonObject o;
            try (JsonReader r = Json.createReader(new StringReader(line))) {
                o = r.readObject();
            }
            String prompt = o.getString("prompt");
            assertThat(tok.encode(prompt, true, false)).as(prompt).containsExactly(ints(o.getJsonArray("prompt_ids")));

            int[] generated = ints(o.getJsonArray("generated_ids"));
            String text = o.getString("generated_text");
            assertThat(tok.decode(generated)).as(prompt).isEqualTo(text);
            assertThat(TokenizerVectorsTest.streamed(tok, generated)).as(prompt).isEqualTo(text);
        }
    }

    private static int[] ints(JsonArray a) {
        return a.getValuesAs(jakarta.json.JsonNumber.class).stream().mapToInt(jakarta.json.JsonNumber::intValue).toArray();
    }
}
