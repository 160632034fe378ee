package dev.jllm.runtime.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.gguf.GgufTensorInfo;
import dev.jllm.runtime.kv.KvCache;
import dev.jllm.runtime.model.Batch;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.Golden;
import dev.jllm.runtime.model.GreedyDecoder;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.runtime.model.Logits;
import dev.jllm.runtime.model.WeightSource;
import dev.jllm.runtime.quant.QuantizingWeightSource;
import dev.jllm.runtime.tensor.RopeOrder;
import dev.jllm.models.testing.TestData;
import dev.jllm.runtime.tokenizer.Tokenizer;
import dev.jllm.runtime.tokenizer.Tokenizers;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code jllm convert}'s core: the GGUF written from an HF checkpoint computes what the checkpoint computes
 * (q/k rows permuted for llama, NEOX kept for qwen), carries the vocabulary and template over, and for
 * stories260K reproduces llama.cpp's own GGUF tensors bit for bit.
 */
class GgufConversionTest {
    private static final double TOLERANCE = 1e-4;
    private static final EngineOptions ENGINE = new EngineOptions(2, true, 1);

    @TempDir
    Path dir;

    static Stream<SyntheticHfCheckpoint> shapes() {
        return Stream.of(SyntheticHfCheckpoint.qwen2(), SyntheticHfCheckpoint.qwen3(), SyntheticHfCheckpoint.llama(),
                SyntheticHfCheckpoint.llama31());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void syntheticCheckpointAndItsConversionGiveTheSameLogits(SyntheticHfCheckpoint shape) throws Exception {
        Path hfDir = shape.write(dir.resolve("hf"), 42);
        Path out = dir.resolve("model.gguf");
        int[] prompt = {3, 200, 17, 256, 90, 91, 260, 5, 77, 140, 33};
        float[][] expected;
        Tokenizer hfTokenizer;
        try (HfCheckpoint hf = HfCheckpoint.open(hfDir)) {
            assertThat(hf.modelConfig().tiedEmbeddings()).isEqualTo(shape.tied());
            if (shape.llama3Rope()) {
                float[] f = hf.modelConfig().ropeFreqFactors();
                // head_dim 16, theta 1e6, original context 64: wavelengths 6.3 .. 2.1e5 cover all three bands
                assertThat(f).hasSize(8);
                assertThat(f[0]).isEqualTo(1f);
                assertThat(f[7]).isEqualTo(8f);
                boolean blended = false;
                for (float v : f) {
                    blended |= v > 1f && v < 8f;
                }
                assertThat(blended).as("a blended factor in %s", java.util.Arrays.toString(f)).isTrue();
            }
            assertThat(hf.eosIds()).containsExactly(shape.vocab() - 1, shape.vocab() - 3);
            try (LlamaModel m = hf.load(hf.weights(), ENGINE)) {
                expected = allLogits(m, prompt);
            }
            hfTokenizer = Tokenizers.fromVocab(hf.vocab());
            GgufConversion.Summary s = GgufConversion.convert(hf, GgmlType.F32, out);
            assertThat(s.fallbackTensors()).isZero();
        }
        try (GgufFile gguf = GgufFile.open(out); LlamaModel m = LlamaModel.load(gguf, ENGINE)) {
            assertThat(m.config().ropeOrder()).isEqualTo(shape.modelClass().startsWith("Llama") ? RopeOrder.NORMAL : RopeOrder.NEOX);
            assertThat(gguf.tensor("output.weight").isPresent()).isEqualTo(!shape.tied());
            assertThat(gguf.tensor("blk.0.attn_q.bias").isPresent()).isEqualTo(shape.biases());
            assertThat(gguf.tensor("rope_freqs.weight").isPresent()).isEqualTo(shape.llama3Rope());
            float[][] got = allLogits(m, prompt);
            for (int t = 0; t < prompt.length; t++) {
                for (int i = 0; i < got[t].length; i++) {
                    assertThat((double) got[t][i]).as("position %d logit %d", t, i).isCloseTo(expected[t][i], within(TOLERANCE));
                }
            }
            assertThat(gguf.strings("tokenizer.ggml.tokens")).hasSize(shape.rows());
            assertThat(m.config().vocabSize()).isEqualTo(shape.rows());
            Tokenizer ggufTokenizer = Tokenizers.fromGguf(gguf);
            assertThat(gguf.string("tokenizer.chat_template", null)).contains("<|im_start|>");
            for (String text : List.of("the cat sat in the sun", "Hello <|im_end|> world\n\n  x", "ünïcödé 123")) {
                assertThat(ggufTokenizer.encode(text, true, true)).as(text).containsExactly(hfTokenizer.encode(text, true, true));
            }
            // "the" has no merge of its own (only "Ġt he"): t + he, then Ġthe
            assertThat(hfTokenizer.encode("the the", false, false)).containsExactly(116, 257, 258);
            assertThat(hfTokenizer.eos()).isEqualTo(shape.vocab() - 1);
        }
    }

    @Test
    void storiesConvertsToLlamaCppsOwnTensorsAndGoldens() throws Exception {
        Path out = dir.resolve("stories.gguf");
        try (HfCheckpoint hf = HfCheckpoint.open(TestData.require("stories260K/hf"))) {
            GgufConversion.convert(hf, GgmlType.F32, out);
        }
        try (GgufFile converted = GgufFile.open(out);
             GgufFile original = GgufFile.open(TestData.require(Golden.MODEL))) {
            for (GgufTensorInfo t : original.tensors()) {
                GgufTensorInfo c = converted.requireTensor(t.name());
                assertThat(c.shape()).as(t.name()).isEqualTo(t.shape());
                assertThat(converted.data(c).toArray(ValueLayout.JAVA_BYTE)).as(t.name())
                        .isEqualTo(original.data(t).toArray(ValueLayout.JAVA_BYTE));
            }
            assertThat(converted.strings("tokenizer.ggml.tokens")).isEqualTo(original.strings("tokenizer.ggml.tokens"));
            assertThat(converted.ints("tokenizer.ggml.token_type")).isEqualTo(original.ints("tokenizer.ggml.token_type"));
            try (LlamaModel m = LlamaModel.load(converted, ENGINE)) {
                Tokenizer tok = Tokenizers.fromGguf(converted);
                for (Golden g : Golden.load()) {
                    assertThat(tok.encode(g.prompt(), true, false)).containsExactly(g.promptIds());
                    KvCache kv = m.newKvCache();
                    int[] generated = GreedyDecoder.generate(m, kv, 0, g.promptIds(), g.generatedIds().length, -1,
                            (step, logits) -> { });
                    assertThat(generated).as(g.prompt()).containsExactly(g.generatedIds());
                }
            }
        }
    }

    @Test
    void loadTimeQuantizationMatchesAQuantizedConversion() throws Exception {
        Path hfDir = SyntheticHfCheckpoint.llama().write(dir.resolve("hf"), 7);
        int[] prompt = {1, 2, 3, 100, 258, 40};
        double[] errors = new double[2];
        for (GgmlType type : List.of(GgmlType.Q8_0, GgmlType.Q4_0)) {
            Path out = dir.resolve(type + ".gguf");
            float[][] quantized;
            float[][] exact;
            try (HfCheckpoint hf = HfCheckpoint.open(hfDir)) {
                WeightSource q = new QuantizingWeightSource(hf.weights(), type);
                assertThat(q.tensor("blk.0.ffn_up.weight").orElseThrow().type()).isEqualTo(type);
                assertThat(q.tensor("blk.0.ffn_norm.weight").orElseThrow().type()).isEqualTo(GgmlType.F32);
                try (LlamaModel m = hf.load(q, ENGINE)) {
                    quantized = allLogits(m, prompt);
                }
                try (LlamaModel m = hf.load(hf.weights(), ENGINE)) {
                    exact = allLogits(m, prompt);
                }
                GgufConversion.convert(hf, type, out);
            }
            try (GgufFile gguf = GgufFile.open(out); LlamaModel m = LlamaModel.load(gguf, ENGINE)) {
                assertThat(gguf.requireTensor("blk.1.attn_k.weight").type()).isEqualTo(type);
                float[][] converted = allLogits(m, prompt);
                double worst = 0;
                double scale = 0;
                for (int t = 0; t < prompt.length; t++) {
                    for (int i = 0; i < converted[t].length; i++) {
                        // the same quantized rows, only permuted: equal up to summation order
                        assertThat((double) converted[t][i]).isCloseTo(quantized[t][i], within(TOLERANCE));
                        worst = Math.max(worst, Math.abs(quantized[t][i] - exact[t][i]));
                        scale = Math.max(scale, Math.abs(exact[t][i]));
                    }
                }
                System.out.printf("%s: max |logit - exact| = %.4f (max |logit| %.3f)%n", type, worst, scale);
                errors[type == GgmlType.Q8_0 ? 0 : 1] = worst;
            }
        }
        // quantization changes the logits, 8-bit less than 4-bit
        assertThat(errors[0]).isGreaterThan(0).isLessThan(errors[1]);
    }

    private static float[][] allLogits(LlamaModel m, int[] prompt) {
        Batch b = new Batch();
        for (int i = 0; i < prompt.length; i++) {
            b.add(prompt[i], i, 0, true);
        }
        Logits l = m.forward(b, m.newKvCache());
        float[][] out = new float[prompt.length][];
        for (int i = 0; i < prompt.length; i++) {
            out[i] = l.get(i).clone();
        }
        return out;
    }
}
