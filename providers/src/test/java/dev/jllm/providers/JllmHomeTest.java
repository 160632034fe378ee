package dev.jllm.providers;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JllmHomeTest {

    @Test
    void theEnvironmentWinsThenThePropertyThenTheUserHome() {
        assertThat(JllmHome.resolve(Map.of("JLLM_HOME", "/env/home"), "/prop/home", "/users/me"))
                .isEqualTo(Path.of("/env/home"));
        assertThat(JllmHome.resolve(Map.of(), "/prop/home", "/users/me")).isEqualTo(Path.of("/prop/home"));
        assertThat(JllmHome.resolve(Map.of("JLLM_HOME", " "), null, "/users/me"))
                .isEqualTo(Path.of("/users/me/.jllm"));
    }
}
