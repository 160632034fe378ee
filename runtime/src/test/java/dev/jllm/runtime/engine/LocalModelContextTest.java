package dev.jllm.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.api.LlmException;
import dev.jllm.models.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The context per sequence is what was asked for, or the model's, reduced to what the KV memory budget holds. */
class LocalModelContextTest {

    // stories260K: 5 layers x (32 key + 32 value floats) = 1280 bytes per position, 81920 per 64-position page
    private static final long PAGE = 81_920;

    private static Path model() {
        return TestData.require("stories260K/stories260K.gguf");
    }

    private static LocalSettings settings(int context, long kvMemory) {
        return new LocalSettings(1, context, 512, 2, -1, kvMemory);
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
}
