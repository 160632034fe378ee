package dev.jllm.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.kv.KvCache;
import dev.jllm.runtime.kv.KvType;
import dev.jllm.runtime.quant.QuantizingWeightSource;
import dev.jllm.runtime.synth.ModelShape;
import dev.jllm.runtime.synth.SyntheticModelWriter;
import dev.jllm.runtime.synth.WeightMix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The engine's invariant for the new families: a token's logits are bit-identical whether its sequence runs alone
 * or in one batch with others (MoE tokens grouped by expert with other sequences' tokens, sliding windows, LongRoPE),
 * for 1 or 3 threads, on the vector and the scalar path, with each KV cache type (Q8_0 where the heads fit its
 * blocks); and {@code --quantize} reaches MoE expert tensors.
 */
class FamiliesBatchingTest {

    private static final int[][] PROMPTS = {
            {1, 300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310},
            {1, 40, 41, 42, 500, 17},
            {1, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94}};
    private static final int STEPS = 6;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} kv {1}")
    @CsvSource({"phi3-small, f32", "gemma2-small, f32", "gemma3-small, f32", "granite-small, f32", "qwen3moe-small, f32",
            "mixtral-small, f32", "mixtral-small, f16", "qwen3moe-small, f16", "gemma2-small, q8_0", "gemma3-small, q8_0"})
    void batchedEqualsAloneForEveryThreadCountAndPath(String shape, String kvType) throws IOException {
        KvType type = KvType.parse(kvType);
        Path file = dir.resolve(shape + ".gguf");
        new SyntheticModelWriter(ModelShape.named(shape), WeightMix.parse("Q8_0"), 7, null).write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            for (boolean vectorized : new boolean[] {true, false}) {
                List<List<float[]>> alone = new ArrayList<>();
                try (LlamaModel model = LlamaModel.load(gguf, new EngineOptions(1, vectorized, 16_384))) {
                    for (int[] prompt : PROMPTS) {
                        alone.add(alone(model, prompt, type));
                    }
                }
                try (LlamaModel model = LlamaModel.load(gguf, new EngineOptions(3, vectorized, 1))) {
                    List<List<float[]>> together = together(model, type);
                    for (int s = 0; s < PROMPTS.length; s++) {
                        for (int step = 0; step < STEPS; step++) {
                            assertThat(together.get(s).get(step)).as("%s vector %s sequence %d step %d", shape, vectorized, s, step)
                                    .containsExactly(alone.get(s).get(step));
                        }
                    }
                }
            }
        }
    }

    /** Prompt, then greedy steps of one sequence by itself: the logits after the prompt and after each step. */
    private static List<float[]> alone(LlamaModel model, int[] prompt, KvType type) {
        KvCache kv = model.newKvCache(512, 16L << 20, type);
        List<float[]> out = new ArrayList<>();
        float[] logits = model.forward(Batch.ofPrompt(prompt, 0, 0), kv).get(prompt.length - 1);
        for (int step = 0; step < STEPS; step++) {
            out.add(logits);
            logits = model.forward(new Batch().add(GreedyDecoder.argmax(logits), prompt.length + step, 0, true), kv).get(0);
        }
        return out;
    }

    /** All prompts in one batch, then every step of all sequences in one batch. */
    private static List<List<float[]>> together(LlamaModel model, KvType type) {
        KvCache kv = model.newKvCache(512, 16L << 20, type);
        Batch prompts = new Batch();
        for (int s = 0; s < PROMPTS.length; s++) {
            for (int i = 0; i < PROMPTS[s].length; i++) {
                prompts.add(PROMPTS[s][i], i, s, i == PROMPTS[s].length - 1);
            }
        }
        Logits first = model.forward(prompts, kv);
        List<List<float[]>> out = new ArrayList<>();
        float[][] current = new float[PROMPTS.length][];
        int entry = 0;
        for (int s = 0; s < PROMPTS.length; s++) {
            entry += PROMPTS[s].length;
            current[s] = first.get(entry - 1);
            out.add(new ArrayList<>());
        }
        for (int step = 0; step < STEPS; step++) {
            Batch b = new Batch();
            for (int s = 0; s < PROMPTS.length; s++) {
                out.get(s).add(current[s]);
                b.add(GreedyDecoder.argmax(current[s]), PROMPTS[s].length + step, s, true);
            }
            Logits l = model.forward(b, kv);
            for (int s = 0; s < PROMPTS.length; s++) {
                current[s] = l.get(s);
            }
        }
        return out;
    }

    @Test
    void quantizingAnF32MoeModelGivesTheQ8_0FileItsOwnLogits() throws IOException {
        Path f32 = dir.resolve("moe-f32.gguf");
        Path q8 = dir.resolve("moe-q8.gguf");
        ModelShape shape = ModelShape.named("qwen3moe-small");
        new SyntheticModelWriter(shape, WeightMix.parse("F32"), 3, null).write(f32);
        new SyntheticModelWriter(shape, WeightMix.parse("Q8_0"), 3, null).write(q8);
        int[] prompt = PROMPTS[0];
        try (GgufFile a = GgufFile.open(f32); GgufFile b = GgufFile.open(q8)) {
            EngineOptions options = new EngineOptions(2, true, 16_384);
            WeightSource quantized = new QuantizingWeightSource(WeightSource.of(a), GgmlType.Q8_0);
            assertThat(quantized.tensor("blk.0.ffn_up_exps.weight").orElseThrow().type()).isEqualTo(GgmlType.Q8_0);
            assertThat(quantized.tensor("blk.0.ffn_gate_inp.weight").orElseThrow().type()).as("the router keeps its type")
                    .isEqualTo(GgmlType.F32);
            try (LlamaModel fromF32 = LlamaModel.load(quantized, ModelConfig.fromGguf(a), options);
                 LlamaModel fromQ8 = LlamaModel.load(b, options)) {
                assertThat(alone(fromF32, prompt, KvType.F32).getLast())
                        .containsExactly(alone(fromQ8, prompt, KvType.F32).getLast());
            }
        }
    }
}
