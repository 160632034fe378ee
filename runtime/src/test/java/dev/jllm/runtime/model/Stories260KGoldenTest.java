package dev.jllm.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.kv.KvCache;
import dev.jllm.runtime.kv.KvType;
import dev.jllm.runtime.tensor.RopeOrder;
import dev.jllm.models.testing.TestData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * stories260K against llama.cpp's logits ("exact" settings), on the vector and the scalar kernels, with 1
 * and 2 threads (every job split, so the parallel paths run even on this tiny model), with an F32 KV cache and an
 * F16 one. The F16 cache must give the same greedy tokens, its logits within the distance by which llama.cpp's own
 * F16 cache (its default settings) moves the same logits from the exact ones: 1.5e-2 on the prompt logits (testdata
 * README), 0.0238 on the step top-5 ({@code llamacpp_default.step_top5} against {@code step_top5} in golden.jsonl).
 * jllm's F16 cache moves them by at most 0.0153. Q8_0 is refused for this model's heads of 8, as llama.cpp refuses it.
 */
class Stories260KGoldenTest {

    private static final double TOLERANCE = 1e-4;
    private static final double F16_PROMPT_TOLERANCE = 1.5e-2;
    private static final double F16_STEP_TOLERANCE = 0.0238;

    private static GgufFile gguf;
    private static List<Golden> goldens;

    @BeforeAll
    static void open() throws IOException {
        gguf = GgufFile.open(TestData.require(Golden.MODEL));
        goldens = Golden.load();
    }

    @AfterAll
    static void close() {
        if (gguf != null) {
            gguf.close();
        }
    }

    static Stream<Arguments> engines() {
        return Stream.of(
                Arguments.of(true, 1, KvType.F32), Arguments.of(true, 2, KvType.F32),
                Arguments.of(false, 1, KvType.F32), Arguments.of(false, 2, KvType.F32),
                Arguments.of(true, 2, KvType.F16), Arguments.of(false, 1, KvType.F16));
    }

    private static KvCache cache(LlamaModel model, KvType type) {
        return model.newKvCache(model.config().contextLength(), 64L << 20, type);
    }

    private static LlamaModel model(boolean vectorized, int threads) {
        return LlamaModel.load(gguf, new EngineOptions(threads, vectorized, threads == 1 ? 16_384 : 1));
    }

    @Test
    void configComesFromMetadata() {
        try (LlamaModel m = model(true, 1)) {
            ModelConfig c = m.config();
            assertThat(c.architecture()).isEqualTo(Architecture.LLAMA);
            assertThat(c.embeddingLength()).isEqualTo(64);
            assertThat(c.blockCount()).isEqualTo(5);
            assertThat(c.feedForwardLength()).isEqualTo(172);
            assertThat(c.headCount()).isEqualTo(8);
            assertThat(c.headCountKv()).isEqualTo(4);
            assertThat(c.keyLength()).isEqualTo(8);
            assertThat(c.ropeDimensions()).isEqualTo(8);
            assertThat(c.ropeFreqBase()).isEqualTo(10000f);
            assertThat(c.ropeOrder()).isEqualTo(RopeOrder.NORMAL);
            assertThat(c.ropeScaling().freqScale()).isEqualTo(1f);
            assertThat(c.rmsEpsilon()).isEqualTo(9.9999997e-06f);
            assertThat(c.contextLength()).isEqualTo(2048);
            assertThat(c.vocabSize()).isEqualTo(512);
        }
    }

    @ParameterizedTest(name = "vector={0} threads={1} kv={2}")
    @MethodSource("engines")
    void promptLogitsGreedyTokensAndStepTop5MatchLlamaCpp(boolean vectorized, int threads, KvType type) {
        double promptTolerance = type == KvType.F32 ? TOLERANCE : F16_PROMPT_TOLERANCE;
        double stepTolerance = type == KvType.F32 ? TOLERANCE : F16_STEP_TOLERANCE;
        try (LlamaModel model = model(vectorized, threads)) {
            for (Golden g : goldens) {
                KvCache kv = cache(model, type);
                // the whole prompt in one batch
                Logits out = model.forward(Batch.ofPrompt(g.promptIds(), 0, 0), kv);
                float[] last = out.get(g.promptIds().length - 1);
                assertThat(last).hasSize(512);
                for (int i = 0; i < last.length; i++) {
                    assertThat((double) last[i]).as("'%s' logit %d", g.prompt(), i)
                            .isCloseTo(g.lastPromptLogits()[i], within(promptTolerance));
                }
                kv.drop(0);
                List<int[]> top5 = new ArrayList<>();
                int[] generated = GreedyDecoder.generate(model, kv, 0, g.promptIds(), g.generatedIds().length, -1,
                        (step, logits) -> {
                            int[] ids = topK(logits, 5);
                            top5.add(ids);
                            for (int k = 0; k < 5; k++) {
                                assertThat((double) logits[g.stepTop5Ids()[step][k]])
                                        .as("'%s' step %d top %d", g.prompt(), step, k)
                                        .isCloseTo(g.stepTop5Logits()[step][k], within(stepTolerance));
                            }
                        });
                assertThat(generated).as("'%s' greedy tokens", g.prompt()).containsExactly(g.generatedIds());
                // F16 rounding may reorder near-ties below the top: llama.cpp's own F16 default orders 9 of these 384
                // top-5 lists differently from the exact run; the greedy tokens above are checked for every type
                for (int step = 0; type == KvType.F32 && step < top5.size(); step++) {
                    assertThat(top5.get(step)).as("'%s' step %d top-5 ids", g.prompt(), step)
                            .containsExactly(g.stepTop5Ids()[step]);
                }
                assertThat(kv.length(0)).isEqualTo(g.promptIds().length + g.generatedIds().length - 1);
            }
        }
    }

    @ParameterizedTest(name = "vector={0} threads={1} kv={2}")
    @MethodSource("engines")
    void promptsBatchedAsSeparateSequencesGiveTheSameLogitsAsAlone(boolean vectorized, int threads, KvType type) {
        try (LlamaModel model = model(vectorized, threads)) {
            float[][] alone = new float[goldens.size()][];
            for (int i = 0; i < goldens.size(); i++) {
                int[] ids = goldens.get(i).promptIds();
                alone[i] = model.forward(Batch.ofPrompt(ids, 0, 0), cache(model, type)).get(ids.length - 1);
            }
            // interleave the prompts token by token, each as its own sequence, logits for every last token
            KvCache kv = cache(model, type);
            Batch batch = new Batch();
            int[] lastIndex = new int[goldens.size()];
            int longest = goldens.stream().mapToInt(g -> g.promptIds().length).max().orElseThrow();
            for (int p = 0; p < longest; p++) {
                for (int s = 0; s < goldens.size(); s++) {
                    int[] ids = goldens.get(s).promptIds();
                    if (p < ids.length) {
                        lastIndex[s] = batch.size();
                        batch.add(ids[p], p, 10 + s, p == ids.length - 1);
                    }
                }
            }
            Logits together = model.forward(batch, kv);
            for (int s = 0; s < goldens.size(); s++) {
                assertThat(together.get(lastIndex[s])).as("prompt %d", s).containsExactly(alone[s]);
                assertThat(kv.length(10 + s)).isEqualTo(goldens.get(s).promptIds().length);
            }
            // one decode step for all sequences at once equals each sequence's own step
            Batch step = new Batch();
            for (int s = 0; s < goldens.size(); s++) {
                int next = GreedyDecoder.argmax(alone[s]);
                step.add(next, goldens.get(s).promptIds().length, 10 + s, true);
            }
            Logits stepped = model.forward(step, kv);
            for (int s = 0; s < goldens.size(); s++) {
                int[] ids = goldens.get(s).promptIds();
                KvCache own = cache(model, type);
                model.forward(Batch.ofPrompt(ids, 0, 0), own);
                float[] ownStep = model.forward(new Batch().add(GreedyDecoder.argmax(alone[s]), ids.length, 0, true), own)
                        .get(0);
                assertThat(stepped.get(s)).as("decode step of prompt %d", s).containsExactly(ownStep);
            }
        }
    }

    @Test
    void promptTokenByTokenEqualsPromptInOneBatch() {
        try (LlamaModel model = model(true, 2)) {
            int[] ids = goldens.get(0).promptIds();
            float[] batched = model.forward(Batch.ofPrompt(ids, 0, 0), model.newKvCache()).get(ids.length - 1);
            KvCache kv = model.newKvCache();
            float[] last = null;
            for (int p = 0; p < ids.length; p++) {
                last = model.forward(new Batch().add(ids[p], p, 3, true), kv).get(0);
            }
            assertThat(last).containsExactly(batched);
        }
    }

    @Test
    void aQ8_0CacheIsRefusedForHeadsOf8AsLlamaCppRefusesIt() {
        try (LlamaModel model = model(true, 1)) {
            assertThatThrownBy(() -> model.newKvCache(256, 1 << 20, KvType.Q8_0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("kv_type q8_0").hasMessageContaining("head width of 8");
        }
    }

    /** Ids of the k largest logits, largest first, ties to the lower id. */
    static int[] topK(float[] logits, int k) {
        int[] ids = new int[k];
        boolean[] taken = new boolean[logits.length];
        for (int i = 0; i < k; i++) {
            int best = -1;
            for (int j = 0; j < logits.length; j++) {
                if (!taken[j] && (best < 0 || logits[j] > logits[best])) {
                    best = j;
                }
            }
            taken[best] = true;
            ids[i] = best;
        }
        return ids;
    }
}
