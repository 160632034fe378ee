package dev.jllm.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.testing.TestData;
import dev.jllm.runtime.EmbeddingAgreement;
import dev.jllm.runtime.synth.ModelShape;
import dev.jllm.runtime.synth.SyntheticModelWriter;
import dev.jllm.runtime.synth.WeightMix;
import dev.jllm.runtime.tokenizer.Tokenizer;
import dev.jllm.runtime.tokenizer.Tokenizers;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The encoder families against llama.cpp without llama.cpp at test time: a small BERT and nomic-bert model (seed 1,
 * the WordPiece vocabulary of ggml-vocab-bert-bge.gguf) is regenerated into {@code target/}, byte-identical to the
 * file llama.cpp embedded (its SHA-256 is in the golden), and every text's normalized embedding must be within
 * 1e-3 cosine of llama-embedding's, with the same token count. The goldens and the command that wrote them:
 * {@code bench/encoder-goldens.sh}. Measured: cosine 0.9999999 or better with F32 weights (largest difference in a
 * value about 1.3e-4, from the order of float sums and llama.cpp's half-precision attention), 0.99993 or better
 * with Q8_0, where llama.cpp also rounds the activations to Q8_0 before each product and the engine does not
 * (values off by up to 5e-3), hence the wider bound on single values there.
 */
class EncoderEmbeddingsGoldenTest {

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
            "bert-small, F32, cls, 1e-3",
            "bert-small, F32, mean, 1e-3",
            "bert-small, Q8_0, cls, 1e-2",
            "nomic-bert-small, F32, mean, 1e-3",
            "nomic-bert-small, F32, last, 1e-3",
            "nomic-bert-small, Q8_0, mean, 1e-2"})
    void embeddingsAgreeWithLlamaCpp(String shape, String type, String pooling, double valueTolerance) throws Exception {
        String name = shape + "-" + type + "-" + pooling;
        JsonObject golden;
        try (InputStream in = getClass().getResourceAsStream("/embeddings/encoders/" + name + ".json");
             JsonReader r = Json.createReader(in)) {
            golden = r.readObject();
        }
        Path file = Path.of("target", "synth-encoders", name + ".gguf");
        Files.createDirectories(file.getParent());
        Pooling expected = Pooling.valueOf(pooling.toUpperCase(Locale.ROOT));
        try (GgufFile vocab = GgufFile.open(TestData.require("vocab/ggml-vocab-bert-bge.gguf"))) {
            new SyntheticModelWriter(ModelShape.named(shape), WeightMix.parse(type), 1, vocab, expected).write(file);
        }
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))))
                .as("the synth file is the one llama.cpp ran").isEqualTo(golden.getString("sha256"));

        List<String> texts = golden.getJsonArray("texts").getValuesAs(jakarta.json.JsonString::getString);
        JsonArray want = golden.getJsonArray("embeddings");
        assertThat(want).hasSize(texts.size());
        for (EngineOptions options : List.of(EngineOptions.defaults().withThreads(2), new EngineOptions(1, false, 16_384))) {
            try (GgufFile gguf = GgufFile.open(file); EncoderModel model = EncoderModel.load(gguf, options)) {
                assertThat(model.pooling()).isEqualTo(expected);
                Tokenizer tokenizer = Tokenizers.fromGguf(gguf);
                List<int[]> ids = texts.stream().map(text -> tokenizer.encode(text, true, true)).toList();
                assertThat(ids.stream().mapToInt(t -> t.length).sum()).as("llama.cpp: n_tokens = 53, n_seq = 5")
                        .isEqualTo(53);
                // all the texts in one pass, as llama.cpp ran them, and each alone: the same vectors
                List<float[]> together = model.embedAll(ids);
                for (int i = 0; i < texts.size(); i++) {
                    float[] alone = model.embed(ids.get(i));
                    assertThat(together.get(i)).as("text %d batched and alone", i)
                            .containsExactly(alone, org.assertj.core.data.Offset.offset(1e-6f));
                    EmbeddingAgreement a = EmbeddingAgreement.of(normalized(together.get(i)), want.getJsonArray(i));
                    System.out.printf(Locale.ROOT, "%s %s text %d: cosine %.7f, max |diff| %.2e%n", name,
                            options.vectorized() ? "vector" : "scalar", i, a.cosine(), a.maxDiff());
                    assertThat(a.cosine()).as("%s text %d", name, i).isGreaterThanOrEqualTo(1 - 1e-3);
                    assertThat(a.maxDiff()).as("%s text %d", name, i).isLessThan(valueTolerance);
                }
            }
        }
    }

    /** llama.cpp gives no text embedding for pooling none (one vector per token) or rank (a reranker's score). */
    @org.junit.jupiter.api.Test
    void poolingWithoutATextEmbeddingIsRefusedAtLoad() throws Exception {
        for (Pooling pooling : List.of(Pooling.NONE, Pooling.RANK)) {
            Path file = Path.of("target", "synth-encoders", "bert-small-" + pooling + ".gguf");
            Files.createDirectories(file.getParent());
            try (GgufFile vocab = GgufFile.open(TestData.require("vocab/ggml-vocab-bert-bge.gguf"))) {
                new SyntheticModelWriter(ModelShape.named("bert-small"), WeightMix.parse("F32"), 1, vocab, pooling)
                        .write(file);
            }
            try (GgufFile gguf = GgufFile.open(file)) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> EncoderModel.load(gguf, EngineOptions.defaults()))
                        .isInstanceOf(dev.jllm.models.ModelFormatException.class)
                        .hasMessageContaining("pooling_type " + pooling.cliName() + " gives no text embedding");
            }
        }
    }

    private static float[] normalized(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        float inv = (float) (1 / Math.sqrt(sum));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }
}
