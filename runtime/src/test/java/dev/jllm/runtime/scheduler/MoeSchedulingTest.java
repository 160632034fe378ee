package dev.jllm.runtime.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.runtime.synth.ModelShape;
import dev.jllm.runtime.synth.SyntheticModelWriter;
import dev.jllm.runtime.synth.WeightMix;
import dev.jllm.runtime.tokenizer.Tokenizer;
import dev.jllm.runtime.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous batching and the prefix cache with a mixture-of-experts model (and a sliding-window one): sequences
 * decoded together, with their prompts chunked between the others' steps, produce the tokens each produces alone,
 * and a repeated prompt reuses its cached prefix with the same result.
 */
class MoeSchedulingTest {

    @TempDir
    Path dir;

    @Test
    void qwen3MoeBatchedChunkedAndCachedEqualsAlone() throws IOException {
        check("qwen3moe-small");
    }

    @Test
    void gemma3SlidingWindowBatchedChunkedAndCachedEqualsAlone() throws IOException {
        check("gemma3-small");
    }

    private void check(String shape) throws IOException {
        Path file = dir.resolve(shape + ".gguf");
        new SyntheticModelWriter(ModelShape.named(shape), WeightMix.parse("Q8_0"), 5, null).write(file);
        try (GgufFile gguf = GgufFile.open(file);
             LlamaModel net = LlamaModel.load(gguf, EngineOptions.defaults().withThreads(2))) {
            Tokenizer tokenizer = Tokenizers.fromGguf(gguf);
            int[][] prompts = new int[3][];
            for (int i = 0; i < prompts.length; i++) {
                prompts[i] = new int[12 + 7 * i];
                prompts[i][0] = 1;
                for (int j = 1; j < prompts[i].length; j++) {
                    prompts[i][j] = 259 + (37 * i + 11 * j) % 200;
                }
            }
            List<int[]> alone = new ArrayList<>();
            for (int[] p : prompts) {
                Scheduler s = scheduler(shape, net, tokenizer, 1);
                Stories.Reader r = Stories.read(s, p, 16);
                Stories.runUntilDone(s, List.of(r), 400);
                assertThat(r.error).isNull();
                alone.add(r.outcome.tokens());
                s.close();
            }
            Scheduler s = scheduler(shape, net, tokenizer, 3);
            List<Stories.Reader> readers = new ArrayList<>();
            for (int[] p : prompts) {
                readers.add(Stories.read(s, p, 16));
                s.step();
            }
            Stories.runUntilDone(s, readers, 400);
            for (int i = 0; i < prompts.length; i++) {
                assertThat(readers.get(i).error).isNull();
                assertThat(readers.get(i).outcome.tokens()).as("sequence %d", i).containsExactly(alone.get(i));
            }
            Stories.Reader again = Stories.read(s, prompts[2], 16);
            Stories.runUntilDone(s, List.of(again), 400);
            assertThat(again.outcome.cachedTokens()).isEqualTo(prompts[2].length - 1);
            assertThat(again.outcome.tokens()).containsExactly(alone.get(2));
            assertThat(Arrays.stream(alone.get(0)).distinct().count()).as("not a degenerate repetition").isGreaterThan(2);
            s.close();
        }
    }

    /** Prompts in chunks of 5 tokens between the others' steps; context 256, 16 MiB of KV memory. */
    private static Scheduler scheduler(String name, LlamaModel net, Tokenizer tokenizer, int slots) {
        return new Scheduler(name, net, tokenizer, Set.of(2), new SchedulerConfig(slots, 0, 5, 5, 256, 16L << 20, 16), false);
    }
}
