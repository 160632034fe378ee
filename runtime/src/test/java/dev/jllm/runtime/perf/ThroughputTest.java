package dev.jllm.runtime.perf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.testing.TestData;
import dev.jllm.runtime.kv.KvType;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.Golden;
import dev.jllm.runtime.model.LlamaModel;
import org.junit.jupiter.api.Test;

/**
 * The bench's allocation check: what a warm run may allocate per token is the base allowance plus the test's own
 * output, so a decode step's logits (4 bytes per vocabulary entry: 1 MB for Gemma 3's 262,144) never read as boxing.
 */
class ThroughputTest {

    @Test
    void aRunAllocatesOnlyAboveItsAllowance() {
        long allowed = Throughput.ALLOCATION_WARNING_BYTES + 4L * 262_144;
        assertThat(Throughput.of(16, new double[] {0.5, 0.5}, allowed, allowed).allocates()).isFalse();
        assertThat(Throughput.of(16, new double[] {0.5, 0.5}, allowed + 1, allowed).allocates()).isTrue();
        assertThat(Throughput.of(16, new double[] {0.5, 0.5}, -1, allowed).allocates()).as("unknown").isFalse();
        Throughput t = Throughput.of(16, new double[] {0.5, 0.25}, 1000, allowed);
        assertThat(t.tps()).isEqualTo(48.0);
        assertThat(t.allowedBytesPerToken()).isEqualTo(allowed);
    }

    @Test
    void decodingIsAllowedItsLogitsAndAPromptTheBaseAllowance() throws Exception {
        try (GgufFile gguf = GgufFile.open(TestData.require(Golden.MODEL));
             LlamaModel model = LlamaModel.load(gguf, new EngineOptions(1, true, 16_384))) {
            ModelBench.Result r = new ModelBench(model, 8, KvType.F32, 0).run(8, 8, 1);
            int vocab = model.config().vocabSize();
            assertThat(r.pp().allowedBytesPerToken()).isEqualTo(Throughput.ALLOCATION_WARNING_BYTES);
            assertThat(r.tg().allowedBytesPerToken()).isEqualTo(Throughput.ALLOCATION_WARNING_BYTES + 4L * vocab);
            // a warm stories260K decode allocates its logits and little else
            assertThat(r.tg().bytesPerToken()).isBetween(4L * vocab, r.tg().allowedBytesPerToken());
        }
    }
}
