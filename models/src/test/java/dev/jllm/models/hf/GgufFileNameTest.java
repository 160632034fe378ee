package dev.jllm.models.hf;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GgufFileNameTest {

    @Test
    void quantizationIsTakenFromTheNamesUploadersUse() {
        assertThat(q("Llama-3.2-1B-Instruct-Q4_K_M.gguf")).isEqualTo("Q4_K_M");
        assertThat(q("qwen2.5-0.5b-instruct-q4_k_m.gguf")).isEqualTo("Q4_K_M");
        assertThat(q("Meta-Llama-3-8B-Instruct.Q8_0.gguf")).isEqualTo("Q8_0");
        assertThat(q("ggml-model-q4_0.gguf")).isEqualTo("Q4_0");
        assertThat(q("gemma-2b-it-IQ2_XXS.gguf")).isEqualTo("IQ2_XXS");
        assertThat(q("model-bf16.gguf")).isEqualTo("BF16");
        assertThat(q("model-f16.gguf")).isEqualTo("F16");
        assertThat(q("Qwen3-8B-UD-Q4_K_XL.gguf")).isEqualTo("UD-Q4_K_XL");
        assertThat(q("gpt-oss-20b-MXFP4.gguf")).isEqualTo("MXFP4");
        assertThat(q("stories260K.gguf")).isNull();
        assertThat(q("Q4_K_M/Model-Q4_K_M-00001-of-00003.gguf")).isEqualTo("Q4_K_M");
        assertThat(GgufFileName.parse("config.json")).isNull();
    }

    @Test
    void splitPartsAreRecognised() {
        GgufFileName n = GgufFileName.parse("dir/Big-Q8_0-00002-of-00003.gguf");
        assertThat(n.stem()).isEqualTo("Big-Q8_0");
        assertThat(n.splitIndex()).isEqualTo(2);
        assertThat(n.splitCount()).isEqualTo(3);
        assertThat(n.isSplit()).isTrue();
        assertThat(GgufFileName.parse("x-00000-of-00002.gguf").isSplit()).isFalse();
        assertThat(GgufFileName.parse("x-00003-of-00002.gguf").isSplit()).isFalse();
        assertThat(GgufFileName.parse("x.gguf").isSplit()).isFalse();
    }

    @Test
    void bitsPerWeightFollowTheName() {
        assertThat(GgufFileName.bits("Q4_K_M")).isEqualTo(4);
        assertThat(GgufFileName.bits("IQ2_XXS")).isEqualTo(2);
        assertThat(GgufFileName.bits("UD-Q4_K_XL")).isEqualTo(4);
        assertThat(GgufFileName.bits("TQ1_0")).isEqualTo(1);
        assertThat(GgufFileName.bits("Q8_0")).isEqualTo(8);
        assertThat(GgufFileName.bits("BF16")).isEqualTo(16);
        assertThat(GgufFileName.bits("F32")).isEqualTo(32);
        assertThat(GgufFileName.bits(null)).isZero();
    }

    private static String q(String path) {
        return GgufFileName.parse(path).quantization();
    }
}
