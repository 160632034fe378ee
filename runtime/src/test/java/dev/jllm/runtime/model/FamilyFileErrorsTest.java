package dev.jllm.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.gguf.GgufTensorInfo;
import dev.jllm.models.gguf.GgufWriter;
import dev.jllm.runtime.synth.ModelShape;
import dev.jllm.runtime.synth.SyntheticModelWriter;
import dev.jllm.runtime.synth.WeightMix;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A family's file without one of its required keys or tensors is refused with one line naming it. */
class FamilyFileErrorsTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} without {1}")
    @CsvSource({
            "qwen3moe-small, qwen3moe.expert_used_count",
            "qwen3moe-small, qwen3moe.expert_count",
            "qwen3moe-small, blk.1.ffn_down_exps.weight",
            "qwen3moe-small, blk.0.ffn_gate_inp.weight",
            "mixtral-small, blk.0.ffn_up_exps.weight",
            "granite-small, granite.logit_scale",
            "gemma2-small, blk.1.post_ffw_norm.weight",
            "gemma3-small, blk.0.attn_k_norm.weight",
            "phi3-small, blk.0.attn_qkv.weight",
            "phi3-small, blk.1.ffn_up.weight"})
    void missingPieceIsNamed(String shape, String missing) throws IOException {
        Path full = dir.resolve(shape + ".gguf");
        new SyntheticModelWriter(ModelShape.named(shape), WeightMix.parse("F32"), 1, null).write(full);
        Path broken = dir.resolve(shape + "-broken.gguf");
        try (GgufFile src = GgufFile.open(full)) {
            GgufWriter w = new GgufWriter();
            for (String key : src.metadata().keySet()) {
                if (!key.equals(missing)) {
                    if (src.valueType(key) == dev.jllm.models.gguf.GgufValueType.ARRAY) {
                        w.putArray(key, src.arrayElementType(key), src.metadata().get(key));
                    } else {
                        w.put(key, src.valueType(key), src.metadata().get(key));
                    }
                }
            }
            for (GgufTensorInfo t : src.tensors()) {
                if (!t.name().equals(missing)) {
                    w.addTensor(t.name(), t.type(), t.shape().toArray(), src.data(t));
                }
            }
            w.write(broken);
        }
        try (GgufFile gguf = GgufFile.open(broken)) {
            assertThatThrownBy(() -> LlamaModel.load(gguf))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("'" + missing + "'")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }
}
