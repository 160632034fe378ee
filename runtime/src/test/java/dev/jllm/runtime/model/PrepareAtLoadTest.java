package dev.jllm.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.tensor.IntegerKernelTensor;
import dev.jllm.runtime.tensor.WeightTensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading prepares every matrix the forward pass multiplies (the integer kernels' repacking), and only those. */
class PrepareAtLoadTest {

    @TempDir
    Path dir;

    @Test
    void loadRepacksEveryMultipliedMatrixButNotTheEmbeddingTable() throws Exception {
        Path file = dir.resolve("q4k.gguf");
        new SyntheticModel().superBlockShape().matrixType(GgmlType.Q4_K).write(file);
        try (GgufFile gguf = GgufFile.open(file);
                LlamaModel model = LlamaModel.load(gguf, new EngineOptions(2, true, 1))) {
            ModelWeights w = model.weights();
            List<WeightTensor> matrices = w.matrices();
            // output, then q, k, v, o, gate, up, down per layer
            assertThat(matrices).hasSize(1 + 7 * w.layers().length).doesNotContain(w.tokenEmbedding());
            for (WeightTensor t : matrices) {
                assertThat(t).isInstanceOf(IntegerKernelTensor.class);
                assertThat(((IntegerKernelTensor) t).repacked()).as("%s", t).isTrue();
            }
            // the embedding table is only read row by row: never repacked
            assertThat(((IntegerKernelTensor) w.tokenEmbedding()).repacked()).isFalse();
        }
    }
}
