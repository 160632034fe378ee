package dev.jllm.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.api.LlmException;
import dev.jllm.api.LocalConfig;
import dev.jllm.models.testing.TestData;
import dev.jllm.runtime.kv.KvType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The context per sequence is what was asked for, or the model's, reduced to what the KV memory budget holds in the
 * configured KV cache type.
 */
class LocalModelContextTest {

    // stories260K: 5 layers x (32 key + 32 value floats) = 1280 bytes per position, 81920 per 64-position page
    private static final long PAGE = 81_920;

    private static Path model() {
        return TestData.require("stories260K/stories260K.gguf");
    }

    private static LocalSettings settings(int context, long kvMemory) {
        return settings(context, kvMemory, KvType.F32);
    }

    private static LocalSettings settings(int context, long kvMemory, KvType type) {
        return new LocalSettings(1, context, 512, 2, -1, kvMemory, type);
    }

    @Test
    void theModelsOwnContextByDefaultAndTheRequestedOneWhenItFits() {
        try (LocalModel m = LocalModel.load("s", model(), settings(0, 64L << 20))) {
            assertThat(m.contextSize()).isEqualTo(2048);
            assertThat(m.scheduler().config().contextSize()).isEqualTo(2048);
            assertThat(m.scheduler().config().kvMemoryBytes()).isEqualTo(64L << 20);
        }
        try (LocalModel m = LocalModel.load("s", model(), settings(100, 64L << 20))) {
            assertThat(m.contextSize()).isEqualTo(100);
        }
    }

    @Test
    void aContextTheBudgetCannotHoldIsReducedToWholePagesThatFit() {
        try (LocalModel m = LocalModel.load("s", model(), settings(0, 5 * PAGE + 100))) {
            assertThat(m.contextSize()).isEqualTo(5 * 64);
        }
    }

    @Test
    void aBudgetBelowOnePageIsAClearError() {
        assertThatThrownBy(() -> LocalModel.load("s", model(), settings(0, PAGE - 1)))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST))
                .hasMessageContaining("too small").hasMessageContaining(PAGE + " bytes");
    }

    @Test
    void anF16CacheHoldsTwiceTheContextInTheSameBudgetAndTheSchedulerUsesIt() {
        try (LocalModel m = LocalModel.load("s", model(), settings(0, 5 * PAGE + 100, KvType.F16))) {
            assertThat(m.contextSize()).isEqualTo(10 * 64);
            assertThat(m.scheduler().config().kvType()).isEqualTo(KvType.F16);
        }
    }

    @Test
    void kvTypeIsReadFromTheConfigAndAnUnknownOrUnfittingOneIsRefusedBeforeAnyGeneration() {
        assertThat(LocalSettings.of(LocalConfig.defaults()).kvType()).isEqualTo(KvType.AUTO_CHOICE);
        assertThat(LocalSettings.of(LocalConfig.defaults().withKvType("q8_0")).kvType()).isEqualTo(KvType.Q8_0);
        assertThatThrownBy(() -> LocalSettings.of(LocalConfig.defaults().withKvType("q4")))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST))
                .hasMessageContaining("kv_type 'q4'").hasMessageContaining("auto, f32, f16, q8_0");
        // stories260K's heads are 8 wide: no Q8_0 block fits them (llama.cpp refuses the same)
        assertThatThrownBy(() -> LocalModel.load("s", model(), settings(0, 64L << 20, KvType.Q8_0)))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST))
                .hasMessageContaining("kv_type q8_0");
    }
}
