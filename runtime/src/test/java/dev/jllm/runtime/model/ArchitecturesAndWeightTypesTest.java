package dev.jllm.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.testing.TestData;
import dev.jllm.runtime.tensor.RopeOrder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Small random models, written as GGUF, against {@link ReferenceTransformer} (double precision over the
 * dequantized weights): every weight type, and each architecture's optional parts.
 */
class ArchitecturesAndWeightTypesTest {

    private static final double TOLERANCE = 1e-4;
    private static final int[] PROMPT = {1, 7, 22, 3, 51, 9, 9, 40, 0, 17, 33, 2, 45};

    @TempDir
    Path dir;

    @Test
    void referenceTransformerMatchesLlamaCppOnStories260K() throws IOException {
        try (GgufFile gguf = GgufFile.open(TestData.require(Golden.MODEL))) {
            ReferenceTransformer reference = new ReferenceTransformer(gguf);
            List<Golden> goldens = Golden.load();
            for (Golden g : goldens.subList(0, 2)) {
                double[][] logits = reference.logits(g.promptIds());
                double[] last = logits[logits.length - 1];
                for (int i = 0; i < last.length; i++) {
                    assertThat(last[i]).as("'%s' logit %d", g.prompt(), i).isCloseTo(g.lastPromptLogits()[i], within(TOLERANCE));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void everyWeightTypeMatchesTheFloatReference(GgmlType type) throws IOException {
        SyntheticModel m = new SyntheticModel().matrixType(type);
        m.seed = 100 + type.ordinal();
        if (type.blockSize() == 256) {
            m.superBlockShape();
        }
        checkAgainstReference(m);
    }

    @Test
    void qwen2WithBiasesAndNeoxRope() throws IOException {
        SyntheticModel m = new SyntheticModel().architecture("qwen2").matrixType(GgmlType.Q8_0);
        m.biases = true;
        m.outputBias = true;
        ModelConfig c = checkAgainstReference(m);
        assertThat(c.architecture()).isEqualTo(Architecture.QWEN2);
        assertThat(c.ropeOrder()).isEqualTo(RopeOrder.NEOX);
    }

    @Test
    void qwen3WithQkNormsAndTiedOutput() throws IOException {
        SyntheticModel m = new SyntheticModel().architecture("qwen3").matrixType(GgmlType.BF16);
        m.qkNorms = true;
        m.tiedOutput = true;
        ModelConfig c = checkAgainstReference(m);
        assertThat(c.architecture()).isEqualTo(Architecture.QWEN3);
        assertThat(c.ropeOrder()).isEqualTo(RopeOrder.NEOX);
    }

    @Test
    void llamaWithRopeFreqFactorsAndLinearScaling() throws IOException {
        SyntheticModel m = new SyntheticModel().matrixType(GgmlType.F16);
        m.ropeFreqs = true;
        m.ropeScalingType = "linear";
        m.ropeScalingFactor = 4f;
        m.ropeOriginalContext = 16;
        ModelConfig c = checkAgainstReference(m);
        assertThat(c.ropeScaling().type()).isEqualTo(RopeScaling.Type.LINEAR);
        assertThat(c.ropeScaling().freqScale()).isEqualTo(0.25f);
    }

    @Test
    void llamaWithYarnScaling() throws IOException {
        SyntheticModel m = new SyntheticModel();
        m.ropeScalingType = "yarn";
        m.ropeScalingFactor = 4f;
        m.ropeOriginalContext = 16;
        m.freqBase = 500f; // small base so that the correction range falls inside the rotated dimensions
        ModelConfig c = checkAgainstReference(m);
        assertThat(c.ropeScaling().type()).isEqualTo(RopeScaling.Type.YARN);
        assertThat(c.ropeScaling().extFactor()).isEqualTo(1f);
    }

    @Test
    void partialRotaryDimensionsLeaveTheRestOfEachHead() throws IOException {
        SyntheticModel m = new SyntheticModel().architecture("qwen2");
        m.ropeDims = 8;
        checkAgainstReference(m);
    }

    @Test
    void unsupportedArchitectureNamesTheSupportedOnes() throws IOException {
        Path file = dir.resolve("gpt2.gguf");
        new SyntheticModel().architecture("gpt2").write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThatThrownBy(() -> LlamaModel.load(gguf))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("'gpt2'")
                    .hasMessageContaining("llama, qwen2, qwen3");
        }
    }

    @Test
    void missingQkNormsOfQwen3AreAClearError() throws IOException {
        Path file = dir.resolve("qwen3-broken.gguf");
        new SyntheticModel().architecture("qwen3").write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThatThrownBy(() -> LlamaModel.load(gguf))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("blk.0.attn_q_norm.weight");
        }
    }

    /** Engine logits at every prompt position (one batch) vs the reference, vector/2 threads and scalar/1 thread. */
    private ModelConfig checkAgainstReference(SyntheticModel m) throws IOException {
        Path file = dir.resolve(m.architecture + "-" + m.matrixType + ".gguf");
        m.write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            double[][] expected = new ReferenceTransformer(gguf).logits(PROMPT);
            double maxAbs = 0;
            for (double[] row : expected) {
                for (double v : row) {
                    maxAbs = Math.max(maxAbs, Math.abs(v));
                }
            }
            assertThat(maxAbs).as("logits are not degenerate").isGreaterThan(0.5);
            ModelConfig config = null;
            for (EngineOptions options : List.of(new EngineOptions(2, true, 1), new EngineOptions(1, false, 16_384))) {
                try (LlamaModel model = LlamaModel.load(gguf, options)) {
                    config = model.config();
                    Batch batch = new Batch();
                    for (int i = 0; i < PROMPT.length; i++) {
                        batch.add(PROMPT[i], i, 0, true);
                    }
                    Logits logits = model.forward(batch, model.newKvCache());
                    for (int pos = 0; pos < PROMPT.length; pos++) {
                        float[] row = logits.get(pos);
                        for (int v = 0; v < row.length; v++) {
                            assertThat((double) row[v]).as("%s position %d logit %d", options, pos, v)
                                    .isCloseTo(expected[pos][v], within(TOLERANCE));
                        }
                    }
                }
            }
            return config;
        }
    }
}
