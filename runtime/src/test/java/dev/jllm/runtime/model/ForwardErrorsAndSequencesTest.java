package dev.jllm.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.kv.ContextOverflowException;
import dev.jllm.runtime.kv.KvCache;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad batches are clear errors that leave the cache unchanged; sequences can be dropped and truncated. */
class ForwardErrorsAndSequencesTest {

    @TempDir
    Path dir;
    private GgufFile gguf;
    private LlamaModel model;

    @BeforeEach
    void load() throws IOException {
        Path file = dir.resolve("tiny.gguf");
        new SyntheticModel().write(file);
        gguf = GgufFile.open(file);
        model = LlamaModel.load(gguf, new EngineOptions(2, true, 1));
    }

    @AfterEach
    void close() {
        model.close();
        gguf.close();
    }

    @Test
    void badBatchesAreRejectedBeforeAnythingChanges() {
        KvCache kv = model.newKvCache();
        model.forward(Batch.ofPrompt(new int[] {1, 2, 3}, 0, 0), kv);
        assertThatThrownBy(() -> model.forward(new Batch(), kv)).hasMessage("empty batch");
        assertThatThrownBy(() -> model.forward(new Batch().add(53, 3, 0, true), kv))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batch entry 0: token 53 is outside the vocabulary [0, 53)");
        assertThatThrownBy(() -> model.forward(new Batch().add(5, 4, 0, true), kv))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batch entry 0: sequence 0 continues at position 3, got 4");
        assertThatThrownBy(() -> model.forward(new Batch().add(5, 3, 0, false).add(6, 3, 0, true), kv))
                .hasMessage("batch entry 1: sequence 0 continues at position 4, got 3");
        assertThatThrownBy(() -> model.forward(new Batch().add(5, 1, 9, true), kv))
                .hasMessage("batch entry 0: sequence 9 continues at position 0, got 1");
        assertThatThrownBy(() -> new Batch().add(5, -1, 0, true)).isInstanceOf(IllegalArgumentException.class);
        assertThat(kv.length(0)).isEqualTo(3);
        assertThat(kv.contains(9)).isFalse();
    }

    @Test
    void contextOverflowIsExplicitAndLeavesTheSequenceAsItWas() {
        KvCache kv = model.newKvCache(8, 1 << 24);
        float[] before = model.forward(Batch.ofPrompt(new int[] {1, 2, 3, 4, 5, 6}, 0, 0), kv).get(5);
        assertThatThrownBy(() -> model.forward(Batch.ofPrompt(new int[] {7, 8, 9}, 0, 6), kv))
                .isInstanceOf(ContextOverflowException.class)
                .hasMessage("sequence 0 needs 9 positions but the context length is 8");
        assertThat(kv.length(0)).isEqualTo(6);
        // the sequence still works, up to the limit
        float[] last = model.forward(Batch.ofPrompt(new int[] {7, 8}, 0, 6), kv).get(1);
        assertThat(last).hasSize(53);
        assertThat(before).hasSize(53);
        assertThat(kv.length(0)).isEqualTo(8);
        assertThatThrownBy(() -> model.forward(new Batch().add(1, 8, 0, true), kv))
                .isInstanceOf(ContextOverflowException.class);
    }

    @Test
    void aFailedBatchKeepsNeitherNewSequencesNorReservedPages() {
        KvCache kv = model.newKvCache(70, 1 << 24);
        model.forward(Batch.ofPrompt(new int[] {1, 2, 3, 4, 5, 6}, 0, 0), kv);
        long used = kv.usedBytes();
        Batch batch = new Batch().add(7, 6, 0, false);
        for (int p = 0; p < 71; p++) {
            batch.add(3, p, 5, p == 70); // sequence 5 is new and too long
        }
        assertThatThrownBy(() -> model.forward(batch, kv)).isInstanceOf(ContextOverflowException.class);
        assertThat(kv.contains(5)).isFalse();
        assertThat(kv.length(0)).isEqualTo(6);
        assertThat(kv.usedBytes()).isEqualTo(used);
        // a batch whose first sequence needs a new page and whose second overflows gives that page back
        Batch growing = new Batch();
        for (int p = 6; p < 66; p++) {
            growing.add(1, p, 0, false);
        }
        for (int p = 0; p < 71; p++) {
            growing.add(3, p, 6, false);
        }
        assertThatThrownBy(() -> model.forward(growing, kv)).isInstanceOf(ContextOverflowException.class);
        assertThat(kv.usedBytes()).isEqualTo(used);
        assertThat(kv.sequenceIds()).containsExactly(0);
    }

    @Test
    void theModelsContextLengthIsTheDefaultLimit() {
        KvCache kv = model.newKvCache();
        int[] prompt = new int[65];
        assertThatThrownBy(() -> model.forward(Batch.ofPrompt(prompt, 0, 0), kv))
                .isInstanceOf(ContextOverflowException.class)
                .hasMessageContaining("context length is 64");
    }

    @Test
    void truncatingASequenceReusesItsPrefixExactly() {
        int[] a = {1, 7, 22, 3, 51, 9};
        int[] b = {1, 7, 22, 40, 40};
        KvCache kv = model.newKvCache();
        model.forward(Batch.ofPrompt(a, 0, 0), kv);
        kv.truncate(0, 3); // keep the shared prefix {1, 7, 22}
        float[] reused = model.forward(Batch.ofPrompt(new int[] {40, 40}, 0, 3), kv).get(1);
        float[] fresh = model.forward(Batch.ofPrompt(b, 1, 0), kv).get(b.length - 1);
        assertThat(reused).containsExactly(fresh);
        kv.drop(0);
        assertThat(kv.contains(0)).isFalse();
        assertThat(kv.sequenceIds()).containsExactly(1);
    }

    @Test
    void largeBatchesRunInMicroBatchesWithIdenticalResults() throws IOException {
        Path file = dir.resolve("long.gguf");
        SyntheticModel m = new SyntheticModel();
        m.context = 2 * LlamaModel.MAX_MICRO_BATCH + 8;
        m.write(file);
        try (GgufFile g = GgufFile.open(file); LlamaModel longModel = LlamaModel.load(g, EngineOptions.defaults())) {
            int n = LlamaModel.MAX_MICRO_BATCH + 5;
            int[] prompt = new int[n];
            for (int i = 0; i < n; i++) {
                prompt[i] = (i * 7) % 53;
            }
            KvCache kv = longModel.newKvCache();
            float[] whole = longModel.forward(Batch.ofPrompt(prompt, 0, 0), kv).get(n - 1);
            KvCache kv2 = longModel.newKvCache();
            longModel.forward(Batch.ofPrompt(java.util.Arrays.copyOf(prompt, n - 1), 0, 0), kv2);
            float[] stepped = longModel.forward(new Batch().add(prompt[n - 1], n - 1, 0, true), kv2).get(0);
            assertThat(whole).containsExactly(stepped);
            assertThat(kv.length(0)).isEqualTo(n);
        }
    }
}
