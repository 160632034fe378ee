package dev.jllm.server;

import dev.jllm.api.LocalConfig;
import dev.jllm.server.admission.Readiness;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code --model REF --quantize TYPE} reaches the local instance as its "quantize" option; {@code --kv-type} reaches
 * every local instance as its {@code kv_type}.
 */
class ModelSpecQuantizeTest {

    @Test
    void quantizeBecomesTheLocalOption() {
        ServerConfig config = ServerConfig.defaults().withKvType("f32").withModels(java.util.List.of(
                new ModelSpec("/m/a", "a", "Q8_0"), new ModelSpec("/m/b.gguf", null)));
        ModelLoader loader = new ModelLoader(config, null, new Readiness(), null, null);
        LocalConfig a = loader.localConfig(config.models().get(0));
        LocalConfig b = loader.localConfig(config.models().get(1));
        assertThat(a.options()).containsEntry("quantize", "q8_0");
        assertThat(b.options()).isEmpty();
        assertThat(a.kvType()).isEqualTo("f32");
        assertThat(b.kvType()).isEqualTo("f32");
        assertThatThrownBy(() -> new ModelSpec("/m/a", null, "q5_k")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("q8_0 or q4_0");
    }
}
