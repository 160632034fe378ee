package dev.jllm.runtime.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jllm.runtime.kv.KvCache;
import dev.jllm.runtime.model.Architecture;
import dev.jllm.runtime.model.Batch;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.Golden;
import dev.jllm.runtime.model.GreedyDecoder;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.runtime.model.ModelConfig;
import dev.jllm.runtime.tensor.RopeOrder;
import dev.jllm.models.testing.TestData;
import dev.jllm.runtime.tokenizer.Tokenizer;
import dev.jllm.runtime.tokenizer.Tokenizers;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The HF checkpoint of stories260K (q/k rows in rotate-half order, run with NEOX RoPE instead of being
 * permuted) against llama.cpp's goldens for the GGUF conversion: prompt ids from tokenizer.json, prompt logits
 * within 1e-4, the greedy tokens, and each step's top-5 logits.
 */
class HfStoriesGoldenTest {
    private static final double TOLERANCE = 1e-4;
    private static HfCheckpoint checkpoint;
    private static List<Golden> goldens;

    @BeforeAll
    static void open() throws Exception {
        checkpoint = HfCheckpoint.open(TestData.require("stories260K/hf"));
        goldens = Golden.load();
    }

    @AfterAll
    static void close() {
        if (checkpoint != null) {
            checkpoint.close();
        }
    }

    @Test
    void configComesFromConfigJson() {
        ModelConfig c = checkpoint.modelConfig().config();
        assertThat(c.architecture()).isEqualTo(Architecture.LLAMA);
        assertThat(c.ropeOrder()).isEqualTo(RopeOrder.NEOX);
        assertThat(c.embeddingLength()).isEqualTo(64);
        assertThat(c.blockCount()).isEqualTo(5);
        assertThat(c.headCount()).isEqualTo(8);
        assertThat(c.headCountKv()).isEqualTo(4);
        assertThat(c.keyLength()).isEqualTo(8);
        assertThat(c.feedForwardLength()).isEqualTo(172);
        assertThat(c.vocabSize()).isEqualTo(512);
        assertThat(c.rmsEpsilon()).isEqualTo(9.9999997e-06f);
        assertThat(checkpoint.modelConfig().tiedEmbeddings()).isFalse();
        assertThat(checkpoint.eosIds()).containsExactly(2);
    }

    @ParameterizedTest(name = "vector={0} threads={1}")
    @CsvSource({"true, 1", "true, 2", "false, 1"})
    void tokensLogitsAndGreedyDecodingMatchTheGgufGoldens(boolean vectorized, int threads) {
        Tokenizer tokenizer = Tokenizers.fromVocab(checkpoint.vocab());
        try (LlamaModel model = checkpoint.load(checkpoint.weights(), new EngineOptions(threads, vectorized, threads == 1 ? 16_384 : 1))) {
            for (Golden g : goldens) {
                assertThat(tokenizer.encode(g.prompt(), true, false)).as("prompt ids of '%s'", g.prompt())
                        .containsExactly(g.promptIds());
                KvCache kv = model.newKvCache();
                float[] last = model.forward(Batch.ofPrompt(g.promptIds(), 0, 0), kv).get(g.promptIds().length - 1);
                for (int i = 0; i < last.length; i++) {
                    assertThat((double) last[i]).as("'%s' logit %d", g.prompt(), i)
                            .isCloseTo(g.lastPromptLogits()[i], within(TOLERANCE));
                }
                kv.drop(0);
                int[] generated = GreedyDecoder.generate(model, kv, 0, g.promptIds(), g.generatedIds().length, -1,
                        (step, logits) -> {
                            for (int k = 0; k < 5; k++) {
                                assertThat((double) logits[g.stepTop5Ids()[step][k]])
                                        .as("'%s' step %d top %d", g.prompt(), step, k)
                                        .isCloseTo(g.stepTop5Logits()[step][k], within(TOLERANCE));
                            }
                        });
                assertThat(generated).as("'%s' greedy tokens", g.prompt()).containsExactly(g.generatedIds());
            }
        }
    }
}
