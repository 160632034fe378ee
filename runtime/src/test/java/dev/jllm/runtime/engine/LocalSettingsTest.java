package dev.jllm.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.api.LlmException;
import dev.jllm.api.LocalConfig;
import org.junit.jupiter.api.Test;

/** The engine options of a local instance: accepted keys, their formats and defaults, and refusals by name. */
class LocalSettingsTest {

    @Test
    void typedFieldsAndDefaults() {
        LocalSettings s = LocalSettings.of(LocalConfig.defaults().withParallel(3).withBatchSize(64).withThreads(2));
        assertThat(s.parallel()).isEqualTo(3);
        assertThat(s.batchSize()).isEqualTo(64);
        assertThat(s.threads()).isEqualTo(2);
        assertThat(s.effectiveQueue()).isEqualTo(12);
        assertThat(s.effectiveKvMemory()).isEqualTo(Runtime.getRuntime().maxMemory() / 2);
    }

    @Test
    void kvMemoryAndQueueOptions() {
        LocalSettings s = LocalSettings.of(LocalConfig.defaults().withOption("kv_memory", "512m").withOption("max_queue", "0"));
        assertThat(s.effectiveKvMemory()).isEqualTo(512L << 20);
        assertThat(s.effectiveQueue()).isZero();
        assertThat(ByteSize.parse("2g")).isEqualTo(2L << 30);
        assertThat(ByteSize.parse("2GiB")).isEqualTo(2L << 30);
        assertThat(ByteSize.parse("1.5 GB")).isEqualTo(3L << 29);
        assertThat(ByteSize.parse("64k")).isEqualTo(65536);
        assertThat(ByteSize.parse("1000")).isEqualTo(1000);
    }

    @Test
    void badOptionsAreRefusedByName() {
        assertThatThrownBy(() -> LocalSettings.of(LocalConfig.defaults().withOption("kv_mem", "1g")))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST))
                .hasMessageContaining("kv_mem").hasMessageContaining("accepted: chat_template_file, kv_memory, max_queue");
        assertThatThrownBy(() -> LocalSettings.of(LocalConfig.defaults().withOption("kv_memory", "lots")))
                .hasMessageContaining("kv_memory").hasMessageContaining("'lots' is not a memory size");
        assertThatThrownBy(() -> LocalSettings.of(LocalConfig.defaults().withOption("kv_memory", "0")))
                .hasMessageContaining("kv_memory");
        assertThatThrownBy(() -> LocalSettings.of(LocalConfig.defaults().withOption("max_queue", "-1")))
                .hasMessageContaining("max_queue");
        assertThatThrownBy(() -> LocalSettings.of(LocalConfig.defaults().withOption("max_queue", "many")))
                .hasMessageContaining("max_queue");
    }
}
