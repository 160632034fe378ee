package dev.jllm.runtime.hf;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.runtime.model.ModelConfig;
import dev.jllm.runtime.model.WeightSource;
import dev.jllm.runtime.quant.QuantizingWeightSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The network of a GGUF file or of a Hugging Face directory, with what keeps its weights mapped, for tools that
 * need only the forward pass (benchmarks, logit dumps). Closing it stops the network and releases the mapping.
 *
 * @param network the model
 * @param source  the GGUF file or the HF checkpoint the weights are mapped from
 */
public record OpenNetwork(LlamaModel network, AutoCloseable source) implements AutoCloseable {

    /**
     * Opens {@code path}: a directory is read as a Hugging Face checkpoint, anything else as a GGUF file.
     *
     * @param quantize Q8_0 or Q4_0 to quantize float matrices at load time, or null
     * @throws dev.jllm.models.ModelFormatException for a file or directory jllm cannot run
     */
    public static OpenNetwork open(Path path, EngineOptions options, GgmlType quantize) throws IOException {
        if (Files.isDirectory(path)) {
            HfCheckpoint hf = HfCheckpoint.open(path);
            try {
                return new OpenNetwork(hf.load(quantized(hf.weights(), quantize), options), hf);
            } catch (RuntimeException | Error e) {
                hf.close();
                throw e;
            }
        }
        GgufFile gguf = GgufFile.open(path);
        try {
            return new OpenNetwork(LlamaModel.load(quantized(WeightSource.of(gguf), quantize), ModelConfig.fromGguf(gguf),
                    options), gguf);
        } catch (RuntimeException | Error e) {
            gguf.close();
            throw e;
        }
    }

    private static WeightSource quantized(WeightSource source, GgmlType quantize) {
        return quantize == null ? source : new QuantizingWeightSource(source, quantize);
    }

    @Override
    public void close() throws Exception {
        network.close();
        source.close();
    }
}
