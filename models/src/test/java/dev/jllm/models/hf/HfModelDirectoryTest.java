package dev.jllm.models.hf;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.safetensors.SafetensorsWriter;
import dev.jllm.models.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Single-file and sharded checkpoints, and the index's failure modes. */
class HfModelDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void opensTheStoriesDirectory() throws Exception {
        Path hf = TestData.require("stories260K/hf");
        assertThat(HfModelDirectory.isModelDirectory(hf)).isTrue();
        try (HfModelDirectory d = HfModelDirectory.open(hf)) {
            assertThat(d.config().getString("model_type")).isEqualTo("llama");
            assertThat(d.tensors()).hasSize(48).containsKey("lm_head.weight");
            assertThat(d.tokenizerConfig()).isPresent();
            assertThat(d.generationConfig().orElseThrow().getInt("eos_token_id")).isEqualTo(2);
            assertThat(d.tokenizerJson()).isPresent();
        }
    }

    @Test
    void shardsListedByTheIndexAreAllMapped() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"architectures\": [\"LlamaForCausalLM\"]}");
        new SafetensorsWriter().add("x", new long[]{2}, new float[]{1, 2}).write(dir.resolve("model-00001-of-00002.safetensors"));
        new SafetensorsWriter().add("y", new long[]{1}, new float[]{3}).write(dir.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"metadata\": {}, \"weight_map\": {"
                + "\"x\": \"model-00001-of-00002.safetensors\", \"y\": \"model-00002-of-00002.safetensors\"}}");
        try (HfModelDirectory d = HfModelDirectory.open(dir)) {
            assertThat(d.tensors().keySet()).containsExactlyInAnyOrder("x", "y");
            assertThat(d.tensor("y").orElseThrow().data().byteSize()).isEqualTo(4);
            assertThat(d.tensor("x").orElseThrow().file().path().getFileName().toString())
                    .isEqualTo("model-00001-of-00002.safetensors");
        }
    }

    @Test
    void anIndexThatLiesOrEscapesIsRefused() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{}");
        new SafetensorsWriter().add("x", new long[]{2}, new float[]{1, 2}).write(dir.resolve("a.safetensors"));
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"weight_map\": {\"z\": \"a.safetensors\"}}");
        assertThatThrownBy(() -> HfModelDirectory.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("'z'");
        Files.writeString(index, "{\"weight_map\": {\"x\": \"../a.safetensors\"}}");
        assertThatThrownBy(() -> HfModelDirectory.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("plain file name");
        Files.writeString(index, "{\"weight_map\": {\"x\": \"missing.safetensors\"}}");
        assertThatThrownBy(() -> HfModelDirectory.open(dir)).isInstanceOf(NoSuchFileException.class);
        Files.writeString(index, "{\"weight_map\": 3}");
        assertThatThrownBy(() -> HfModelDirectory.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("weight_map");
    }

    @Test
    void missingWeightsOrBadConfigAreClearErrors() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{}");
        assertThatThrownBy(() -> HfModelDirectory.open(dir)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("model.safetensors");
        Files.writeString(dir.resolve("config.json"), "{not json");
        assertThatThrownBy(() -> HfModelDirectory.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("config.json");
    }
}
