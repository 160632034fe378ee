package dev.jllm.models.hf;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** JLLM_PULL_MIN_RATE as users write it, and what counts as too slow. */
class MinRateTest {

    @Test
    void ratesAreBytesPerSecondWithOptionalBinaryUnits() {
        assertThat(MinRate.parse("2048").bytesPerSecond()).isEqualTo(2048);
        assertThat(MinRate.parse(" 64k ").bytesPerSecond()).isEqualTo(64 * 1024);
        assertThat(MinRate.parse("1M").bytesPerSecond()).isEqualTo(1024 * 1024);
        assertThat(MinRate.parse("0").off()).isTrue();
        assertThat(MinRate.parse("64k").window()).isEqualTo(Duration.ofMinutes(1));
        for (String bad : new String[] {"fast", "-5", "1.5k", "", "99999999999999999999"}) {
            assertThatThrownBy(() -> MinRate.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("JLLM_PULL_MIN_RATE");
        }
    }

    @Test
    void belowTheFloorOverTheWindowIsTooSlow() {
        MinRate r = new MinRate(1000, Duration.ofSeconds(60));
        assertThat(r.tooSlow(59_999, 60_000_000_000L)).isTrue();
        assertThat(r.tooSlow(60_000, 60_000_000_000L)).isFalse();
        assertThat(MinRate.parse("0").tooSlow(0, 60_000_000_000L)).isFalse();
    }

    @Test
    void theEnvironmentSetsItAndTheDefaultIsOneKibPerSecond() {
        assertThat(HubConfig.fromEnvironment(Map.of()).minRate()).isEqualTo(MinRate.DEFAULT);
        assertThat(HubConfig.fromEnvironment(Map.of("JLLM_PULL_MIN_RATE", "8k")).minRate().bytesPerSecond())
                .isEqualTo(8192);
    }
}
