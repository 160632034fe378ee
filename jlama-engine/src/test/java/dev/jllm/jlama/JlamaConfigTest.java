package dev.jllm.jlama;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JlamaConfigTest {

    @Test
    void aBareHubRepoMeansItsSafetensorsDirectory() {
        assertThat(ModelSource.storeRef("tjake/Llama-3.2-1B-Instruct-JQ4")).isEqualTo("tjake/Llama-3.2-1B-Instruct-JQ4:safetensors");
        assertThat(ModelSource.storeRef("hf.co/tjake/x")).isEqualTo("hf.co/tjake/x:safetensors");
        assertThat(ModelSource.storeRef("tjake/x:safetensors")).isEqualTo("tjake/x:safetensors");
        assertThat(ModelSource.storeRef("tjake/x:Q4_K_M")).isEqualTo("tjake/x:Q4_K_M");
        assertThat(ModelSource.storeRef("/models/dir")).isEqualTo("/models/dir");
        assertThat(ModelSource.storeRef("./models/dir")).isEqualTo("./models/dir");
        assertThat(ModelSource.storeRef("a/b/c.gguf")).isEqualTo("a/b/c.gguf");
    }

    @Test
    void configsReadBackEqualAndDefaultsAreJlamas() {
        JlamaConfig d = JlamaConfig.defaults();
        assertThat(d.quantize()).isEqualTo("i8");
        assertThat(d.model()).isNull();
        assertThat(JlamaConfig.fromMap(d.toMap())).isEqualTo(d);
        assertThat(JlamaConfig.fromMap(java.util.Map.of("threads", " 2 ", "quantize", "BF16")))
                .isEqualTo(d.withThreads(2).withQuantize("bf16"));
    }
}
