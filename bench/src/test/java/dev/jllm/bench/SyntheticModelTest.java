package dev.jllm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.bench.testing.TestData;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.engine.GenerationOptions;
import dev.jllm.runtime.engine.GenerationResult;
import dev.jllm.runtime.engine.Generator;
import dev.jllm.runtime.engine.LocalModel;
import dev.jllm.runtime.engine.TokenListener;
import dev.jllm.runtime.scheduler.FinishReason;
import dev.jllm.runtime.tensor.WeightTensor;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** The synthetic benchmark model: the engine loads and runs it, its weights have the intended spread. */
class SyntheticModelTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "Q8_0", "Q4_0"})
    void aSyntheticModelLoadsRunsToItsTokenLimitAndHasTheIntendedSpread(GgmlType type) throws IOException {
        Path vocab = TestData.require("vocab/ggml-vocab-llama-spm.gguf");
        Path file = dir.resolve("toy.gguf");
        SyntheticModel.write(file, vocab, ModelShape.TOY, type, 7);
        try (LocalModel m = LocalModel.load("toy", file, 1, 0)) {
            assertThat(m.tokenizer().vocabSize()).isEqualTo(32000);
            assertThat(m.contextSize()).isEqualTo(256);
            int[] prompt = m.tokenizer().encode("Hello there", true, false);
            GenerationResult r = Generator.generate(m, prompt, GenerationOptions.greedy(20), TokenListener.IGNORE);
            // end-of-generation rows of the output are zero: greedy runs to the limit
            assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(r.tokens()).hasSize(20);
        }
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.string("tokenizer.chat_template", null)).isEqualTo(SyntheticModel.CHAT_TEMPLATE);
            WeightTensor up = tensor(g, "blk.1.ffn_up.weight");
            float[] row = new float[64];
            double sum = 0;
            double squares = 0;
            for (int r = 0; r < up.rows(); r++) {
                up.dequantizeRow(r, row, 0);
                for (float v : row) {
                    sum += v;
                    squares += v * v;
                }
            }
            double n = (double) up.rows() * 64;
            double std = Math.sqrt(squares / n - (sum / n) * (sum / n));
            assertThat(std).isCloseTo(1 / Math.sqrt(64), org.assertj.core.data.Percentage.withPercentage(10));
            WeightTensor output = tensor(g, "output.weight");
            output.dequantizeRow(2, row, 0); // </s>
            float largest = 0;
            for (float v : row) {
                largest = Math.max(largest, Math.abs(v));
            }
            assertThat(largest).isZero();
        }
    }

    private static WeightTensor tensor(GgufFile g, String name) {
        var info = g.requireTensor(name);
        return WeightTensor.of(info.type(), g.data(info), (int) info.shape()[1], (int) info.shape()[0], false);
    }
}
