package dev.jllm.runtime.hf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.models.safetensors.SafetensorsFile;
import dev.jllm.models.safetensors.SafetensorsTensorInfo;
import dev.jllm.models.safetensors.SafetensorsWriter;
import dev.jllm.runtime.model.Batch;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.Golden;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.models.testing.TestData;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stories260K split into three shards with an index computes exactly what the single file computes. */
class ShardedCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void shardsGiveBitIdenticalLogits() throws Exception {
        Path src = TestData.require("stories260K/hf");
        for (String f : List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(src.resolve(f), dir.resolve(f));
        }
        SafetensorsWriter[] shards = {new SafetensorsWriter(), new SafetensorsWriter(), new SafetensorsWriter()};
        JsonObjectBuilder map = Json.createObjectBuilder();
        try (SafetensorsFile single = SafetensorsFile.open(src.resolve("model.safetensors"))) {
            int i = 0;
            for (SafetensorsTensorInfo t : single.tensors().values()) {
                int shard = i++ % 3;
                shards[shard].add(t.name(), t.dtype(), t.shape().toArray(), single.data(t).toArray(ValueLayout.JAVA_BYTE));
                map.add(t.name(), name(shard));
            }
        }
        for (int s = 0; s < 3; s++) {
            shards[s].write(dir.resolve(name(s)));
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                Json.createObjectBuilder().add("weight_map", map).build().toString());

        int[] prompt = Golden.load().getFirst().promptIds();
        EngineOptions engine = new EngineOptions(1, true, 16_384);
        float[] expected;
        try (HfCheckpoint hf = HfCheckpoint.open(src); LlamaModel m = hf.load(hf.weights(), engine)) {
            expected = m.forward(Batch.ofPrompt(prompt, 0, 0), m.newKvCache()).get(prompt.length - 1).clone();
        }
        try (HfCheckpoint hf = HfCheckpoint.open(dir); LlamaModel m = hf.load(hf.weights(), engine)) {
            assertThat(hf.directory().tensors()).hasSize(48);
            assertThat(m.forward(Batch.ofPrompt(prompt, 0, 0), m.newKvCache()).get(prompt.length - 1))
                    .containsExactly(expected);
        }
    }

    private static String name(int shard) {
        return String.format("model-%05d-of-00003.safetensors", shard + 1);
    }
}
