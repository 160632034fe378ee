package dev.jllm.runtime.model;

import dev.jllm.models.ModelFormatException;
import dev.jllm.runtime.tensor.WeightTensor;
import java.util.Arrays;

/**
 * All weights of a model, as views of the source's mapping (matrices stay in their file layout; only the
 * small norm and bias vectors are read into float arrays). Shapes are checked against the config.
 */
record ModelWeights(WeightTensor tokenEmbedding, float[] outputNorm, WeightTensor output, float[] outputBias,
                    float[] ropeFreqs, LayerWeights[] layers) {

    static ModelWeights load(WeightSource source, ModelConfig c, boolean vectorized) {
        Loader l = new Loader(source, vectorized);
        int width = c.embeddingLength();
        WeightTensor embedding = l.matrix("token_embd.weight", width, c.vocabSize());
        // Tied embeddings: without output.weight the logits use token_embd.
        WeightTensor output = source.tensor("output.weight").isPresent()
                ? l.matrix("output.weight", width, c.vocabSize()) : embedding;
        float[] outputNorm = l.vector("output_norm.weight", width);
        float[] outputBias = l.optionalVector("output.bias", c.vocabSize());
        float[] ropeFreqs = l.optionalVector("rope_freqs.weight", c.ropeDimensions() / 2);

        LayerWeights[] layers = new LayerWeights[c.blockCount()];
        for (int i = 0; i < layers.length; i++) {
            String p = "blk." + i + ".";
            if (source.tensor(p + "attn_qkv.weight").isPresent()) {
                throw new ModelFormatException(p + "attn_qkv.weight: fused q/k/v tensors are not supported");
            }
            boolean qkNorm = c.architecture().qkNorm();
            layers[i] = new LayerWeights(
                    l.vector(p + "attn_norm.weight", width),
                    l.matrix(p + "attn_q.weight", width, c.queryWidth()),
                    l.matrix(p + "attn_k.weight", width, c.keyWidth()),
                    l.matrix(p + "attn_v.weight", width, c.valueWidth()),
                    l.matrix(p + "attn_output.weight", c.headCount() * c.valueLength(), width),
                    l.optionalVector(p + "attn_q.bias", c.queryWidth()),
                    l.optionalVector(p + "attn_k.bias", c.keyWidth()),
                    l.optionalVector(p + "attn_v.bias", c.valueWidth()),
                    l.optionalVector(p + "attn_output.bias", width),
                    qkNorm ? l.vector(p + "attn_q_norm.weight", c.keyLength()) : null,
                    qkNorm ? l.vector(p + "attn_k_norm.weight", c.keyLength()) : null,
                    l.vector(p + "ffn_norm.weight", width),
                    l.matrix(p + "ffn_gate.weight", width, c.feedForwardLength()),
                    l.matrix(p + "ffn_up.weight", width, c.feedForwardLength()),
                    l.matrix(p + "ffn_down.weight", c.feedForwardLength(), width),
                    l.optionalVector(p + "ffn_gate.bias", c.feedForwardLength()),
                    l.optionalVector(p + "ffn_up.bias", c.feedForwardLength()),
                    l.optionalVector(p + "ffn_down.bias", width));
        }
        return new ModelWeights(embedding, outputNorm, output, outputBias, ropeFreqs, layers);
    }

    /** Reads tensors by name, checking each shape (GGUF order: the row length first). */
    private record Loader(WeightSource source, boolean vectorized) {

        WeightSource.Tensor require(String name) {
            return source.tensor(name).orElseThrow(() -> new ModelFormatException(source.describe()
                    + ": tensor '" + name + "' is missing"));
        }

        WeightTensor matrix(String name, int cols, int rows) {
            WeightSource.Tensor t = require(name);
            if (t.dims() != 2 || t.dim(0) != cols || t.dim(1) != rows) {
                throw shapeError(t, "[" + cols + ", " + rows + "]");
            }
            try {
                return WeightTensor.of(t.type(), t.data(), rows, cols, vectorized);
            } catch (ModelFormatException e) {
                throw new ModelFormatException(name + ": " + e.getMessage(), e);
            }
        }

        float[] vector(String name, int length) {
            WeightSource.Tensor t = require(name);
            if (t.elements() != length || t.dim(0) != length) {
                throw shapeError(t, "[" + length + "]");
            }
            float[] values = new float[length];
            WeightTensor.of(t.type(), t.data(), 1, length, false).dequantizeRow(0, values, 0);
            return values;
        }

        float[] optionalVector(String name, int length) {
            return source.tensor(name).isPresent() ? vector(name, length) : null;
        }

        private ModelFormatException shapeError(WeightSource.Tensor t, String expected) {
            return new ModelFormatException(source.describe() + ": tensor '" + t.name() + "' has shape "
                    + Arrays.toString(t.shape()) + ", expected " + expected);
        }
    }
}
