package dev.jllm.runtime.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.safetensors.SafetensorsDType;
import dev.jllm.models.safetensors.SafetensorsWriter;
import dev.jllm.runtime.model.Architecture;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.RopeScaling;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json's fields, defaults and failure modes; weights the engine cannot use are named. */
class HfModelConfigTest {
    @TempDir
    Path dir;

    private Path checkpoint() throws Exception {
        return SyntheticHfCheckpoint.qwen2().write(dir.resolve("m"), 1);
    }

    private void patchConfig(Path d, String key, String json) throws Exception {
        JsonObject c;
        try (var r = Json.createReader(new StringReader(Files.readString(d.resolve("config.json"))))) {
            c = r.readObject();
        }
        var b = Json.createObjectBuilder(c);
        if (json == null) {
            b.remove(key);
        } else {
            try (var r = Json.createReader(new StringReader("{\"v\": " + json + "}"))) {
                b.add(key, r.readObject().get("v"));
            }
        }
        Files.writeString(d.resolve("config.json"), b.build().toString());
    }

    @Test
    void readsTheQwen2Shape() throws Exception {
        try (HfCheckpoint hf = HfCheckpoint.open(checkpoint())) {
            var c = hf.modelConfig().config();
            assertThat(c.architecture()).isEqualTo(Architecture.QWEN2);
            assertThat(c.keyLength()).isEqualTo(16);
            assertThat(c.ropeFreqBase()).isEqualTo(1_000_000f);
            assertThat(c.contextLength()).isEqualTo(512);
            assertThat(c.ropeScaling().type()).isEqualTo(RopeScaling.Type.NONE);
            assertThat(hf.chatTemplate()).isPresent();
        }
    }

    @Test
    void defaultsApplyWhenOptionalFieldsAreAbsent() throws Exception {
        Path d = checkpoint();
        patchConfig(d, "head_dim", null);
        patchConfig(d, "num_key_value_heads", null);
        patchConfig(d, "rope_theta", null);
        patchConfig(d, "rope_scaling", "{\"type\": \"linear\", \"factor\": 2.0}");
        // without head_dim, hidden_size / heads = 16 again; without kv heads, all heads have their own keys
        Files.delete(d.resolve("model.safetensors"));
        SyntheticHfCheckpoint mha = new SyntheticHfCheckpoint("Qwen2ForCausalLM", 64, 4, 4, 16, 2, 96, true, true, false,
                SafetensorsDType.F32, 0, false);
        Path other = mha.write(dir.resolve("mha"), 2);
        Files.copy(other.resolve("model.safetensors"), d.resolve("model.safetensors"));
        patchConfig(d, "vocab_size", Integer.toString(mha.rows()));
        try (HfCheckpoint hf = HfCheckpoint.open(d)) {
            var c = hf.modelConfig().config();
            assertThat(c.headCountKv()).isEqualTo(4);
            assertThat(c.keyLength()).isEqualTo(16);
            assertThat(c.ropeFreqBase()).isEqualTo(10000f);
            assertThat(c.ropeScaling().freqScale()).isEqualTo(0.5f);
            hf.load(hf.weights(), new EngineOptions(1, false, 16_384)).close();
        }
    }

    @Test
    void theChatTemplateMayLiveInItsOwnFile() throws Exception {
        Path d = checkpoint();
        Files.writeString(d.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|im_end|>\"}");
        try (HfCheckpoint hf = HfCheckpoint.open(d)) {
            assertThat(hf.chatTemplate()).isEmpty();
        }
        Files.writeString(d.resolve("chat_template.json"), "{\"chat_template\": \"{{ messages[0].content }}\"}");
        try (HfCheckpoint hf = HfCheckpoint.open(d)) {
            assertThat(hf.chatTemplate()).contains("{{ messages[0].content }}");
        }
        Files.writeString(d.resolve("chat_template.jinja"), "{% for m in messages %}{{ m.content }}{% endfor %}");
        try (HfCheckpoint hf = HfCheckpoint.open(d)) {
            assertThat(hf.chatTemplate()).contains("{% for m in messages %}{{ m.content }}{% endfor %}");
        }
    }

    @Test
    void generationConfigSetsTheSamplingDefaults() throws Exception {
        Path d = checkpoint();
        dev.jllm.runtime.sampling.SamplingParams base = dev.jllm.runtime.sampling.SamplingParams.defaults();
        Files.writeString(d.resolve("generation_config.json"),
                "{\"do_sample\": true, \"temperature\": 0.7, \"top_k\": 20, \"top_p\": 0.8, \"repetition_penalty\": 1.05,"
                        + " \"eos_token_id\": 3}");
        try (HfCheckpoint hf = HfCheckpoint.open(d)) {
            var p = hf.samplingDefaults(base);
            assertThat(p.temperature()).isEqualTo(0.7f);
            assertThat(p.topK()).isEqualTo(20);
            assertThat(p.topP()).isEqualTo(0.8f);
            assertThat(p.repeatPenalty()).isEqualTo(1.05f);
            assertThat(p.minP()).isEqualTo(base.minP());
            assertThat(hf.eosIds()).containsExactly(3);
        }
        Files.writeString(d.resolve("generation_config.json"), "{\"do_sample\": false, \"temperature\": 0.7}");
        try (HfCheckpoint hf = HfCheckpoint.open(d)) {
            assertThat(hf.samplingDefaults(base).isGreedy()).isTrue();
        }
        Files.writeString(d.resolve("generation_config.json"), "{\"top_p\": 7}");
        try (HfCheckpoint hf = HfCheckpoint.open(d)) {
            assertThat(hf.samplingDefaults(base)).isEqualTo(base);
        }
    }

    @Test
    void unsupportedOrInconsistentConfigsAreNamed() throws Exception {
        Path d = checkpoint();
        patchConfig(d, "architectures", "[\"MixtralForCausalLM\"]");
        expect(d, "unsupported model class 'MixtralForCausalLM'");
        patchConfig(d, "architectures", "[\"Qwen2ForCausalLM\"]");
        patchConfig(d, "rope_scaling", "{\"rope_type\": \"longrope\"}");
        expect(d, "unsupported rope_scaling type 'longrope'");
        patchConfig(d, "rope_scaling", "null");
        patchConfig(d, "vocab_size", "7");
        expect(d, "vocab_size 7 differs");
        patchConfig(d, "vocab_size", null);
        patchConfig(d, "hidden_size", null);
        expect(d, "'hidden_size' is missing");
        patchConfig(d, "hidden_size", "\"64\"");
        expect(d, "'hidden_size' is not an integer");
    }

    @Test
    void weightsOfAnUnusableDtypeAreNamed() throws Exception {
        Path d = checkpoint();
        // replace one matrix by an int8 one of the same shape
        try (var st = dev.jllm.models.safetensors.SafetensorsFile.open(d.resolve("model.safetensors"))) {
            SafetensorsWriter w = new SafetensorsWriter();
            for (var t : st.tensors().values()) {
                byte[] bytes = st.data(t).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                if (t.name().equals("model.layers.1.mlp.up_proj.weight")) {
                    w.add(t.name(), SafetensorsDType.I8, t.shape().toArray(), new byte[(int) t.elements()]);
                } else {
                    w.add(t.name(), t.dtype(), t.shape().toArray(), bytes);
                }
            }
            w.write(d.resolve("model2.safetensors"));
        }
        Files.move(d.resolve("model2.safetensors"), d.resolve("model.safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (HfCheckpoint hf = HfCheckpoint.open(d)) {
            assertThatThrownBy(() -> hf.load(hf.weights(), new EngineOptions(1, false, 16_384)))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("model.layers.1.mlp.up_proj.weight").hasMessageContaining("I8");
        }
    }

    private static void expect(Path d, String message) {
        assertThatThrownBy(() -> HfCheckpoint.open(d).close()).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(message).hasMessageContaining("config.json");
    }
}
