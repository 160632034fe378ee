package dev.jllm.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.testing.TestData;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jllm synth and jllm bench as a user runs them, on the tiny stories260k shape. */
class SynthAndBenchCommandsTest {

    @TempDir
    Path dir;

    @Test
    void synthWritesAModelWithLlamaCppMetadataThatBenchMeasures() throws Exception {
        Path file = dir.resolve("s.gguf");
        ModelCommandsTest.Run s = ModelCommandsTest.run("synth", "--shape", "stories260k", "--type", "Q8_0",
                "--out", file.toString(), "--seed", "3");
        assertThat(s.exit()).as(s.err()).isZero();
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.string("general.architecture")).contains("llama");
            assertThat(g.longValue("general.file_type", -1)).isEqualTo(7);
            assertThat(g.longValue("llama.embedding_length", -1)).isEqualTo(64);
            assertThat(g.longValue("llama.block_count", -1)).isEqualTo(5);
            assertThat(g.string("tokenizer.ggml.model")).contains("llama");
            assertThat(g.strings("tokenizer.ggml.tokens")).hasSize(512);
            // rows of 64 are Q8_0; the FFN's 172-long rows fall back to F16 as llama.cpp does
            assertThat(g.requireTensor("blk.0.attn_q.weight").type()).isEqualTo(GgmlType.Q8_0);
            assertThat(g.requireTensor("blk.0.ffn_down.weight").type()).isEqualTo(GgmlType.F16);
        }
        ModelCommandsTest.Run b = ModelCommandsTest.run("bench", "--model", file.toString(), "-p", "16", "-n", "4",
                "-r", "2", "-t", "1", "--format", "json");
        assertThat(b.exit()).as(b.err()).isZero();
        JsonObject o;
        try (JsonReader r = jakarta.json.Json.createReader(new StringReader(b.out()))) {
            o = r.readObject();
        }
        assertThat(o.keySet()).containsExactly("model", "type", "threads", "kv_type", "depth", "kv_depth_bytes", "pp",
                "tg");
        assertThat(o.getString("model")).isEqualTo("s.gguf");
        assertThat(o.getString("kv_type")).as("auto is f16, as llama-bench's default").isEqualTo("f16");
        assertThat(o.getString("type")).isEqualTo("Q8_0");
        assertThat(o.getInt("threads")).isEqualTo(1);
        assertThat(o.getJsonObject("pp").getInt("n")).isEqualTo(16);
        assertThat(o.getJsonObject("tg").getInt("n")).isEqualTo(4);
        assertThat(o.getJsonObject("pp").getJsonNumber("tps").doubleValue()).isPositive();
        assertThat(o.getJsonObject("tg").getJsonNumber("sd").doubleValue()).isNotNegative();
        // measured in this JVM (it has jdk.management): heap bytes per token of the timed runs, not -1
        assertThat(o.getJsonObject("pp").getJsonNumber("bytes_per_token").longValue()).isNotNegative();
        assertThat(o.getJsonObject("tg").getJsonNumber("bytes_per_token").longValue()).isNotNegative();
    }

    @Test
    void synthWritesAnEncoderThatShowReportsAsAnEmbeddingModel() throws Exception {
        Path file = dir.resolve("bert.gguf");
        ModelCommandsTest.Run noVocab = ModelCommandsTest.run("synth", "--shape", "bert-small", "--type", "F32",
                "--out", file.toString());
        assertThat(noVocab.exit()).isNotZero();
        assertThat(noVocab.err()).contains("WordPiece vocabulary").doesNotContain("Exception");
        ModelCommandsTest.Run badPooling = ModelCommandsTest.run("synth", "--shape", "bert-small", "--type", "F32",
                "--pooling", "rank", "--out", file.toString());
        assertThat(badPooling.err()).contains("--pooling must be mean, cls or last");
        ModelCommandsTest.Run s = ModelCommandsTest.run("synth", "--shape", "bert-small", "--type", "F32",
                "--pooling", "mean", "--vocab", TestData.require("vocab/ggml-vocab-bert-bge.gguf").toString(),
                "--out", file.toString());
        assertThat(s.exit()).as(s.err()).isZero();
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.string("general.architecture")).contains("bert");
            assertThat(g.longValue("bert.pooling_type", -1)).isEqualTo(1);
            assertThat(g.bool("bert.attention.causal", true)).isFalse();
            assertThat(g.requireTensor("position_embd.weight").shape().toArray()).containsExactly(32, 64);
        }
        ModelCommandsTest.Run show = ModelCommandsTest.run("show", file.toString());
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("architecture         bert")
                .contains("embedding model      yes: embeddings only (no chat or completion), pooling mean")
                .contains("chat template        none (an embedding model)");
        ModelCommandsTest.Run bench = ModelCommandsTest.run("bench", "--model", file.toString(), "-p", "8", "-n", "2");
        assertThat(bench.exit()).isNotZero();
        assertThat(bench.err()).contains("bert is an embedding model").doesNotContain("Exception");
    }

    @Test
    void sameSeedSameBytesAndMixesUseQ6KWhereLlamaCppDoes() throws Exception {
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        for (Path p : new Path[] {a, b}) {
            assertThat(ModelCommandsTest.run("synth", "--shape", "stories260k", "--type", "Q4_K_M", "--out",
                    p.toString()).exit()).isZero();
        }
        assertThat(Files.mismatch(a, b)).isEqualTo(-1L);
        try (GgufFile g = GgufFile.open(a)) {
            assertThat(g.longValue("general.file_type", -1)).isEqualTo(15);
            // 64-long rows cannot hold 256-element blocks: Q4_K falls back to Q5_0, Q6_K to Q8_0
            Set<GgmlType> types = new HashSet<>();
            g.tensors().forEach(t -> types.add(t.type()));
            assertThat(types).contains(GgmlType.Q5_0, GgmlType.Q8_0);
        }
    }

    @Test
    void iq4XsFallsBackToIq4NlOnShortRowsAndBenchNamesIt() throws Exception {
        Path file = dir.resolve("iq4.gguf");
        ModelCommandsTest.Run s = ModelCommandsTest.run("synth", "--shape", "stories260k", "--type", "IQ4_XS",
                "--out", file.toString());
        assertThat(s.exit()).as(s.err()).isZero();
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.longValue("general.file_type", -1)).isEqualTo(30);
            // 64-long rows cannot hold 256-element blocks: IQ4_XS falls back to IQ4_NL as llama.cpp does
            assertThat(g.requireTensor("blk.0.attn_q.weight").type()).isEqualTo(GgmlType.IQ4_NL);
        }
        ModelCommandsTest.Run b = ModelCommandsTest.run("bench", "--model", file.toString(), "-p", "4", "-n", "2",
                "-r", "1", "-t", "1", "-d", "70", "--kv-type", "f32", "--format", "json");
        assertThat(b.exit()).as(b.err()).isZero();
        // 70 positions take two pages of 64: 128 x 5 layers x (32 + 32) floats
        assertThat(b.out()).contains("\"type\":\"IQ4_XS\"").contains("\"kv_type\":\"f32\"").contains("\"depth\":70")
                .contains("\"kv_depth_bytes\":" + 128 * 5 * 64 * 4);
        ModelCommandsTest.Run q8 = ModelCommandsTest.run("bench", "--model", file.toString(), "-p", "4", "-n", "2",
                "-r", "1", "-t", "1", "--kv-type", "q8_0");
        assertThat(q8.exit()).isEqualTo(1);
        assertThat(q8.err()).contains("kv_type q8_0").contains("head width of 8");
        assertThat(q8.err().lines().count()).isEqualTo(1);
        ModelCommandsTest.Run bogus = ModelCommandsTest.run("bench", "--model", file.toString(), "--kv-type", "q2");
        assertThat(bogus.exit()).isEqualTo(1);
        assertThat(bogus.err()).contains("kv_type 'q2' is not a KV cache type; accepted: auto, f32, f16, q8_0");
    }

    @Test
    void synthCopiesTheTokenizerOfAVocabFile() throws Exception {
        Path vocab = TestData.require("vocab/ggml-vocab-llama-spm.gguf");
        Path file = dir.resolve("v.gguf");
        ModelCommandsTest.Run s = ModelCommandsTest.run("synth", "--shape", "stories260k", "--type", "F16",
                "--vocab", vocab.toString(), "--out", file.toString());
        assertThat(s.exit()).as(s.err()).isZero();
        try (GgufFile g = GgufFile.open(file); GgufFile v = GgufFile.open(vocab)) {
            assertThat(g.strings("tokenizer.ggml.tokens")).isEqualTo(v.strings("tokenizer.ggml.tokens"));
            assertThat(g.requireTensor("token_embd.weight").dim(1)).isEqualTo(v.strings("tokenizer.ggml.tokens").length);
        }
    }

    @Test
    void badArgumentsAreOneLineErrors() {
        ModelCommandsTest.Run s = ModelCommandsTest.run("synth", "--shape", "gpt-9", "--type", "Q4_0", "--out",
                dir.resolve("x.gguf").toString());
        assertThat(s.exit()).isEqualTo(1);
        assertThat(s.err()).contains("unknown shape 'gpt-9'").contains("tinyllama-1.1b");
        ModelCommandsTest.Run t = ModelCommandsTest.run("synth", "--shape", "stories260k", "--type", "IQ2_XXS", "--out",
                dir.resolve("x.gguf").toString());
        assertThat(t.exit()).isEqualTo(1);
        assertThat(t.err()).contains("unsupported type 'IQ2_XXS'");
        ModelCommandsTest.Run b = ModelCommandsTest.run("bench", "--model", dir.resolve("missing.gguf").toString());
        assertThat(b.exit()).isNotZero();
        assertThat(b.err().lines().count()).isEqualTo(1);
    }
}
