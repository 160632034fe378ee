package dev.jllm.jlama;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class JlamaConfigTest {

    /** A model reference and the store reference it means: a bare Hub repo gets its safetensors directory. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            tjake/Llama-3.2-1B-Instruct-JQ4 | tjake/Llama-3.2-1B-Instruct-JQ4:safetensors
            hf.co/tjake/x                   | hf.co/tjake/x:safetensors
            tjake/x:safetensors             | tjake/x:safetensors
            tjake/x:Q4_K_M                  | tjake/x:Q4_K_M
            /models/dir                     | /models/dir
            ./models/dir                    | ./models/dir
            a/b/c.gguf                      | a/b/c.gguf
            """)
    void aBareHubRepoMeansItsSafetensorsDirectory(String reference, String storeRef) {
        assertThat(ModelSource.storeRef(reference)).isEqualTo(storeRef);
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
