package dev.jllm.server.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelSpecTest {

    @Test
    void instanceNamesComeFromTheAliasOrTheFileName() {
        assertThat(new ModelSpec("/m/stories260K.gguf", null).instanceName()).isEqualTo("stories260K");
        assertThat(new ModelSpec("/m/stories260K.gguf", "tiny").instanceName()).isEqualTo("tiny");
        assertThat(new ModelSpec("hf:org/Some Model:Q4_K_M", null).instanceName()).isEqualTo("Some-Model-Q4_K_M");
        assertThat(new ModelSpec("C:\\models\\x.GGUF", " ").instanceName()).isEqualTo("x");
        assertThat(new ModelSpec("__.gguf", null).instanceName()).isEqualTo("model");
    }

    @Test
    void twoModelsMayNotShareAName() {
        assertThatThrownBy(() -> ServerConfig.defaults().withModels(List.of(new ModelSpec("/a/x.gguf", null),
                new ModelSpec("/b/x.gguf", null)))).hasMessageContaining("--alias");
        assertThat(ServerConfig.defaults().withApiKey("secret").toString()).doesNotContain("secret");
    }
}
