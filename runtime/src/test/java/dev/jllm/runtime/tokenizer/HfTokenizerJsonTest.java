package dev.jllm.runtime.tokenizer;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.hf.HfModelDirectory;
import dev.jllm.models.testing.TestData;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** tokenizer.json files must tokenize exactly as the GGUF conversions of the same vocabularies. */
class HfTokenizerJsonTest {

    private static Tokenizer fromDir(String relative) throws Exception {
        Path dir = TestData.require(relative);
        JsonObject config = HfModelDirectory.readJson(dir.resolve("tokenizer_config.json"));
        return Tokenizers.fromVocab(HfTokenizerJson.read(HfModelDirectory.readJson(dir.resolve("tokenizer.json")),
                config, relative));
    }

    @Test
    void llamaSpmTokenizerJsonEncodesTheVocabVectorsLikeTheGgufTokenizer() throws Exception {
        Tokenizer hf = fromDir("tokenizers/llama-spm");
        VocabVectors vv = VocabVectors.load("llama-spm");
        Tokenizer gguf = vv.tokenizer();
        assertThat(hf.vocabSize()).isEqualTo(gguf.vocabSize());
        assertThat(hf.bos()).isEqualTo(gguf.bos());
        assertThat(hf.eos()).isEqualTo(gguf.eos());
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < vv.inputs().size(); i++) {
            String s = vv.inputs().get(i);
            int[] got = hf.encode(s, false, false);
            if (!Arrays.equals(got, vv.expected().get(i))) {
                failures.add("#" + i + " expected " + Arrays.toString(vv.expected().get(i)) + " got " + Arrays.toString(got));
            }
            assertThat(hf.encode(s, true, true)).as("with specials: %s", s).containsExactly(gguf.encode(s, true, true));
            assertThat(hf.decode(got)).isEqualTo(gguf.decode(got));
        }
        assertThat(failures).isEmpty();
        assertThat(vv.inputs()).hasSizeGreaterThan(40);
    }

    @Test
    void theMetaspaceFormOfTheSameTokenizerEncodesTheSame() throws Exception {
        Path dir = TestData.require("tokenizers/llama-spm");
        JsonObject legacy = HfModelDirectory.readJson(dir.resolve("tokenizer.json"));
        // newer transformers write Llama/Mistral tokenizers with a Metaspace pre-tokenizer and no normalizer
        JsonObject metaspace = Json.createObjectBuilder(legacy)
                .add("normalizer", jakarta.json.JsonValue.NULL)
                .add("pre_tokenizer", read("{\"type\": \"Metaspace\", \"replacement\": \"\u2581\", "
                        + "\"prepend_scheme\": \"first\", \"split\": false}"))
                .add("decoder", read("{\"type\": \"Metaspace\", \"replacement\": \"\u2581\", \"prepend_scheme\": \"first\"}"))
                .build();
        JsonObject config = HfModelDirectory.readJson(dir.resolve("tokenizer_config.json"));
        Tokenizer a = Tokenizers.fromVocab(HfTokenizerJson.read(legacy, config, "legacy"));
        Tokenizer b = Tokenizers.fromVocab(HfTokenizerJson.read(metaspace, config, "metaspace"));
        VocabVectors vv = VocabVectors.load("llama-spm");
        for (String s : vv.inputs()) {
            assertThat(b.encode(s, true, false)).as(s).containsExactly(a.encode(s, true, false));
        }
    }

    @Test
    void storiesTokenizerJsonGivesTheGoldenPromptIds() throws Exception {
        Tokenizer hf = fromDir("stories260K/hf");
        Tokenizer gguf;
        try (GgufFile f = GgufFile.open(TestData.require("stories260K/stories260K.gguf"))) {
            gguf = Tokenizers.fromGguf(f);
        }
        assertThat(hf.encode("Once upon a time", true, false)).containsExactly(1, 403, 407, 261, 378);
        for (String s : List.of("Lily and Tom went to the park.", "\"Hello!\" said the dog.\n\nThe end", "  two  spaces")) {
            assertThat(hf.encode(s, true, false)).as(s).containsExactly(gguf.encode(s, true, false));
        }
        for (int id = 0; id < gguf.vocabSize(); id++) {
            assertThat(hf.tokenText(id)).isEqualTo(gguf.tokenText(id));
        }
    }

    @Test
    void byteLevelTokenizerJsonEncodesTheGpt2VectorsLikeTheGgufTokenizer() throws Exception {
        VocabVectors vv = VocabVectors.load("gpt-2");
        VocabData ggufData;
        try (GgufFile f = GgufFile.open(TestData.require("vocab/ggml-vocab-gpt-2.gguf"))) {
            ggufData = Tokenizers.vocabData(f);
        }
        JsonObject pre = Json.createObjectBuilder().add("type", "ByteLevel").add("add_prefix_space", false)
                .add("trim_offsets", true).add("use_regex", true).build();
        JsonObject json = tokenizerJson(ggufData, pre, Json.createObjectBuilder().add("type", "ByteLevel").build());
        JsonObject config = Json.createObjectBuilder().add("eos_token", "<|endoftext|>").build();
        Tokenizer hf = Tokenizers.fromVocab(HfTokenizerJson.read(json, config, "gpt2 tokenizer.json"));
        for (int i = 0; i < vv.inputs().size(); i++) {
            assertThat(hf.encode(vv.inputs().get(i), false, false)).as("#%d", i).containsExactly(vv.expected().get(i));
        }
    }

    @Test
    void unsupportedComponentsAreNamed() {
        JsonObject base = read("{\"model\": {\"type\": \"BPE\", \"byte_fallback\": true, \"vocab\": {\"a\": 0}, \"merges\": []}}");
        assertThatThrownBy(() -> HfTokenizerJson.read(read("{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}"), null, "t.json"))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("'Unigram'");
        assertThatThrownBy(() -> HfTokenizerJson.read(with(base, "normalizer", "{\"type\": \"Lowercase\"}"), null, "t.json"))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("normalizer 'Lowercase'");
        assertThatThrownBy(() -> HfTokenizerJson.read(with(base, "pre_tokenizer", "{\"type\": \"Whitespace\"}"), null, "t.json"))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("pre-tokenizer 'Whitespace'");
        assertThatThrownBy(() -> HfTokenizerJson.read(with(base, "decoder", "{\"type\": \"WordPiece\"}"), null, "t.json"))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("decoder 'WordPiece'");
        assertThatThrownBy(() -> HfTokenizerJson.read(with(base, "pre_tokenizer", "{\"type\": \"Sequence\", \"pretokenizers\": ["
                + "{\"type\": \"Split\", \"pattern\": {\"Regex\": \"\\\\d+\"}}, {\"type\": \"ByteLevel\", \"use_regex\": false}]}"),
                null, "t.json"))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("[\\d+]");
        assertThatThrownBy(() -> HfTokenizerJson.read(with(base, "pre_tokenizer", "{\"type\": \"Metaspace\", \"replacement\": "
                + "\"\u2581\", \"prepend_scheme\": \"first\", \"split\": true}"), null, "t.json"))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("split = true");
        assertThatThrownBy(() -> HfTokenizerJson.read(base, read("{\"bos_token\": \"<nope>\"}"), "t.json"))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("'<nope>'");
    }

    private static JsonObject with(JsonObject o, String key, String json) {
        return Json.createObjectBuilder(o).add(key, read(json)).build();
    }

    private static JsonObject read(String json) {
        try (var r = Json.createReader(new StringReader(json))) {
            return r.readObject();
        }
    }

    /** A tokenizer.json for a byte-level GGUF vocabulary (control tokens become special added tokens). */
    static JsonObject tokenizerJson(VocabData d, JsonObject preTokenizer, JsonObject decoder) {
        JsonObjectBuilder vocab = Json.createObjectBuilder();
        JsonArrayBuilder added = Json.createArrayBuilder();
        for (int i = 0; i < d.tokens().length; i++) {
            int type = d.tokenTypes() == null ? 1 : d.tokenTypes()[i];
            if (type == 3) {
                added.add(Json.createObjectBuilder().add("id", i).add("content", d.tokens()[i]).add("special", true));
            } else {
                vocab.add(d.tokens()[i], i);
            }
        }
        JsonArrayBuilder merges = Json.createArrayBuilder();
        for (String m : d.merges()) {
            merges.add(m);
        }
        return Json.createObjectBuilder()
                .add("added_tokens", added)
                .add("pre_tokenizer", preTokenizer)
                .add("decoder", decoder)
                .add("model", Json.createObjectBuilder().add("type", "BPE").add("vocab", vocab).add("merges", merges))
                .build();
    }
}
