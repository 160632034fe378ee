package dev.jllm.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.kv.KvCache;
import dev.jllm.runtime.kv.KvType;
import dev.jllm.runtime.synth.ModelShape;
import dev.jllm.runtime.synth.SyntheticModelWriter;
import dev.jllm.runtime.synth.WeightMix;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pages a forward pass allocates shrink with the KV type: gemma3-small (4 layers, 2 KV heads of 32, keys and
 * values) costs 4 x 2 x 64 elements per position: 2048 bytes in F32, 1024 in F16, 544 in Q8_0 (34 bytes per 32).
 */
class KvTypeMemoryTest {

    @TempDir
    Path dir;

    @Test
    void aPromptClaimsWholePagesOfItsTypesSize() throws IOException {
        Path file = dir.resolve("gemma3.gguf");
        new SyntheticModelWriter(ModelShape.named("gemma3-small"), WeightMix.parse("Q8_0"), 3, null).write(file);
        int[] prompt = new int[100];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = 1 + i * 5 % 500;
        }
        long[] used = new long[KvType.values().length];
        try (GgufFile gguf = GgufFile.open(file); LlamaModel model = LlamaModel.load(gguf, new EngineOptions(1, true, 16_384))) {
            for (KvType type : KvType.values()) {
                KvCache kv = model.newKvCache(256, 1L << 20, type);
                model.forward(Batch.ofPrompt(prompt, 0, 0), kv);
                used[type.ordinal()] = kv.usedBytes();
                long perPosition = model.config().blockCount() * kv.layout().positionBytes();
                assertThat(used[type.ordinal()]).as("%s: two pages of 64 positions", type).isEqualTo(128 * perPosition);
            }
        }
        assertThat(used[KvType.F32.ordinal()]).isEqualTo(128 * 2048);
        assertThat(used[KvType.F16.ordinal()]).isEqualTo(128 * 1024);
        assertThat(used[KvType.Q8_0.ordinal()]).isEqualTo(128 * 544);
    }
}
