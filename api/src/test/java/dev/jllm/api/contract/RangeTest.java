package dev.jllm.api.contract;

import dev.jllm.api.LlmException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RangeTest {

    @Test
    void aValueOutsideItsRangeIsRefusedNamingTheParameter() {
        assertThat(OpenAiRules.TEMPERATURE.check(2.0)).isEqualTo(2.0);
        assertThatThrownBy(() -> OpenAiRules.TEMPERATURE.check(2.5))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
                    assertThat(e.param()).contains("temperature");
                    assertThat(e).hasMessage("invalid 'temperature': must be between 0 and 2, got 2.5");
                });
        assertThatThrownBy(() -> OpenAiRules.TOP_P.check(Double.NaN)).isInstanceOf(LlmException.class);
    }

    @Test
    void anExcludedMinimumAndIntegerRangesSayWhatTheyTake() {
        assertThatThrownBy(() -> OpenAiRules.REPEAT_PENALTY.check(0.0))
                .hasMessage("invalid 'repeat_penalty': must be positive (1 = off), got 0.0");
        assertThat(OpenAiRules.REPEAT_PENALTY.check(0.5)).isEqualTo(0.5);
        assertThatThrownBy(() -> OpenAiRules.TOP_K.check(-1))
                .hasMessage("invalid 'top_k': must be 0 (off) or positive, got -1");
        assertThatThrownBy(() -> OpenAiRules.MAX_COMPLETION_TOKENS.check(0))
                .isInstanceOfSatisfying(LlmException.class,
                        e -> assertThat(e.param()).contains("max_completion_tokens"));
        assertThatThrownBy(() -> OpenAiRules.N.check(129)).hasMessageContaining("at most 128");
    }
}
