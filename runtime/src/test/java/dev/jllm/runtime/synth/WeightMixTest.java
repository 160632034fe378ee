package dev.jllm.runtime.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.models.gguf.GgmlType;
import org.junit.jupiter.api.Test;

/** Type names, llama.cpp's Q3_K_M rules and its fallbacks for rows that are not a whole number of blocks. */
class WeightMixTest {

    @Test
    void singleTypesCarryLlamaCppFileTypes() {
        assertThat(WeightMix.parse("q2_k").fileType()).isEqualTo(10);
        assertThat(WeightMix.parse("Q3_K").fileType()).isEqualTo(11);
        assertThat(WeightMix.parse("Q2_K").typeOf("output", 0, 16, 2048)).isEqualTo(GgmlType.Q2_K);
        assertThatThrownBy(() -> WeightMix.parse("Q3_K_XL")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Q3_K_M");
    }

    @Test
    void q3KMixKeepsAttentionValueAndFfnDownAtMoreBits() {
        WeightMix m = WeightMix.parse("Q3_K_M");
        assertThat(m.fileType()).isEqualTo(12);
        int layers = 32;
        assertThat(m.typeOf("output", 0, layers, 2048)).isEqualTo(GgmlType.Q6_K);
        assertThat(m.typeOf("token_embd", 0, layers, 2048)).isEqualTo(GgmlType.Q3_K);
        assertThat(m.typeOf("attn_q", 5, layers, 2048)).isEqualTo(GgmlType.Q3_K);
        assertThat(m.typeOf("ffn_up", 5, layers, 2048)).isEqualTo(GgmlType.Q3_K);
        assertThat(m.typeOf("attn_output", 5, layers, 2048)).isEqualTo(GgmlType.Q4_K);
        assertThat(m.typeOf("attn_v", 1, layers, 2048)).isEqualTo(GgmlType.Q5_K);
        assertThat(m.typeOf("attn_v", 2, layers, 2048)).isEqualTo(GgmlType.Q4_K);
        assertThat(m.typeOf("ffn_down", 1, layers, 8192)).isEqualTo(GgmlType.Q5_K); // layer < 32 / 16
        assertThat(m.typeOf("ffn_down", 2, layers, 8192)).isEqualTo(GgmlType.Q4_K);
    }

    @Test
    void rowsThatAreNotWholeBlocksFallBackAsLlamaCppDoes() {
        assertThat(WeightMix.fallback(GgmlType.Q2_K, 64)).isEqualTo(GgmlType.Q4_0);
        assertThat(WeightMix.fallback(GgmlType.Q3_K, 896 + 32)).isEqualTo(GgmlType.Q4_0);
        assertThat(WeightMix.fallback(GgmlType.Q3_K, 48)).isEqualTo(GgmlType.F16);
        assertThat(WeightMix.fallback(GgmlType.Q3_K, 512)).isEqualTo(GgmlType.Q3_K);
        assertThat(WeightMix.parse("Q3_K_M").typeOf("output", 0, 5, 64)).isEqualTo(GgmlType.Q8_0);
    }
}
