package dev.jllm.models.gguf;

import dev.jllm.models.testing.TestData;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GgufFileTest {

    @Test
    void readsStories260kAsDocumented() throws Exception {
        Path file = TestData.require("stories260K/stories260K.gguf");
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.version()).isEqualTo(3);
            assertThat(g.metadata()).hasSize(19);
            assertThat(g.tensors()).hasSize(48);
            assertThat(g.string("general.architecture")).contains("llama");
            assertThat(g.integer("llama.embedding_length", 0)).isEqualTo(64);
            assertThat(g.integer("llama.block_count", 0)).isEqualTo(5);
            assertThat(g.integer("llama.feed_forward_length", 0)).isEqualTo(172);
            assertThat(g.integer("llama.attention.head_count", 0)).isEqualTo(8);
            assertThat(g.integer("llama.attention.head_count_kv", 0)).isEqualTo(4);
            assertThat(g.integer("llama.context_length", 0)).isEqualTo(2048);
            assertThat(g.float32("llama.attention.layer_norm_rms_epsilon", 0)).isEqualTo(9.9999997e-06f);
            assertThat(g.has("llama.rope.freq_base")).isFalse();
            assertThat(g.string("tokenizer.ggml.model")).contains("llama");
            String[] tokens = g.strings("tokenizer.ggml.tokens");
            assertThat(tokens).hasSize(512);
            assertThat(tokens[0]).isEqualTo("<unk>");
            assertThat(tokens[1]).isEqualTo("<s>");
            assertThat(tokens[2]).isEqualTo("</s>");
            assertThat(tokens[3]).isEqualTo("<0x00>");
            assertThat(tokens[258]).isEqualTo("<0xFF>");
            assertThat(g.floats("tokenizer.ggml.scores")).hasSize(512);
            assertThat(g.ints("tokenizer.ggml.token_type")).hasSize(512);
            assertThat(g.valueType("tokenizer.ggml.tokens")).isEqualTo(GgufValueType.ARRAY);
            assertThat(g.arrayElementType("tokenizer.ggml.tokens")).isEqualTo(GgufValueType.STRING);
            assertThat(g.integer("tokenizer.ggml.bos_token_id", -1)).isEqualTo(1);
            assertThat(g.integer("tokenizer.ggml.eos_token_id", -1)).isEqualTo(2);

            GgufTensorInfo embd = g.requireTensor("token_embd.weight");
            assertThat(embd.type()).isEqualTo(GgmlType.F32);
            assertThat(embd.shape().toArray()).containsExactly(64, 512);
            assertThat(embd.rows()).isEqualTo(512);
            assertThat(embd.byteSize()).isEqualTo(64L * 512 * 4);
            assertThat(embd.offset() % g.alignment()).isZero();
            assertThat(g.requireTensor("blk.4.ffn_down.weight").shape().toArray()).containsExactly(172, 64);
            for (GgufTensorInfo t : g.tensors()) {
                assertThat(t.type()).isEqualTo(GgmlType.F32);
                assertThat(t.offset() + t.byteSize()).isLessThanOrEqualTo(g.mapping().byteSize());
            }
            // The README says the separate output matrix holds the same values as the embeddings.
            MemorySegment out = g.data(g.requireTensor("output.weight"));
            assertThat(out.mismatch(g.data(embd))).isEqualTo(-1);
            assertThat(g.data(embd).get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0)).isFinite();
            assertThatThrownBy(() -> g.requireTensor("nope")).hasMessageContaining("'nope' is missing");
        }
    }

    @Test
    void slicesAreUnusableAfterClose() throws Exception {
        Path file = TestData.require("stories260K/stories260K.gguf");
        GgufFile g = GgufFile.open(file);
        MemorySegment s = g.data(g.tensors().getFirst());
        g.close();
        g.close(); // idempotent
        assertThatThrownBy(() -> s.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void typedAccessorsRejectWrongTypes() throws Exception {
        Path file = TestData.require("stories260K/stories260K.gguf");
        try (GgufFile g = GgufFile.open(file)) {
            assertThatThrownBy(() -> g.integer("general.architecture", 0))
                    .hasMessageContaining("general.architecture").hasMessageContaining("integer");
            assertThatThrownBy(() -> g.strings("llama.block_count")).hasMessageContaining("string array");
            assertThat(g.integer("absent.key", 7)).isEqualTo(7);
            assertThat(g.strings("absent.key")).isNull();
        }
    }

    @Test
    void summarisesAModel() throws Exception {
        Path file = TestData.require("stories260K/stories260K.gguf");
        try (GgufFile g = GgufFile.open(file)) {
            GgufSummary s = GgufSummary.of(g);
            assertThat(s.architecture()).isEqualTo("llama");
            long expected = g.tensors().stream().mapToLong(GgufTensorInfo::elements).sum();
            assertThat(s.parameters()).isEqualTo(expected).isBetween(250_000L, 300_000L);
            assertThat(s.parametersHuman()).endsWith("K");
            assertThat(s.contextLength()).isEqualTo(2048);
            assertThat(s.blockCount()).isEqualTo(5);
            assertThat(s.headCountKv()).isEqualTo(4);
            assertThat(s.weightTypes()).containsOnlyKeys(GgmlType.F32).containsEntry(GgmlType.F32, 48);
            assertThat(s.fileType()).isEqualTo(GgmlType.F32);
            assertThat(s.tokenizerModel()).isEqualTo("llama");
            assertThat(s.vocabSize()).isEqualTo(512);
            assertThat(s.hasChatTemplate()).isFalse();
            assertThat(s.fileBytes()).isEqualTo(1185376L);
        }
    }
}
