package dev.jllm.api;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class JllmHomeTest {

    @Test
    void theEnvironmentWinsThenThePropertyThenTheUserHome() {
        Properties props = new Properties();
        props.setProperty("user.home", "/home/u");
        assertThat(JllmHome.resolve(Map.of(), props).dir()).isEqualTo(Path.of("/home/u/.jllm"));
        assertThat(JllmHome.resolve(Map.of(JllmHome.ENV, " "), props).dir()).isEqualTo(Path.of("/home/u/.jllm"));
        props.setProperty(JllmHome.PROPERTY, " /opt/jllm ");
        assertThat(JllmHome.resolve(Map.of(), props).dir()).isEqualTo(Path.of("/opt/jllm"));
        assertThat(JllmHome.resolve(Map.of(JllmHome.ENV, "/data/j"), props).dir()).isEqualTo(Path.of("/data/j"));
    }

    @Test
    void everyFileHasOnePlace() {
        JllmHome home = new JllmHome(Path.of("/data/j"));
        assertThat(home.models()).isEqualTo(Path.of("/data/j/models"));
        assertThat(home.instances()).isEqualTo(Path.of("/data/j/instances.json"));
        assertThat(home.currentModel()).isEqualTo(Path.of("/data/j/current-model.json"));
        assertThat(home.aliases()).isEqualTo(Path.of("/data/j/aliases.json"));
        assertThat(home.history()).isEqualTo(Path.of("/data/j/history"));
    }
}
