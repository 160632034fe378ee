package dev.jllm.runtime.model;

import dev.jllm.runtime.tensor.WeightTensor;
import java.util.Arrays;

/**
 * The weights of a BERT-family encoder by their GGUF names (llama.cpp's {@code llama_model_bert} tensors): token
 * embeddings, the first token-type row (llama.cpp feeds every token as type 0, "sentence A"), learned positions
 * (BERT only; nomic-bert rotates instead), the embedding LayerNorm and the blocks.
 *
 * @param typeRow     row 0 of {@code token_types.weight}, added to every token, or null when the file has none
 * @param positions   {@code position_embd.weight} (one row per position), or null for rotary families
 */
record EncoderWeights(WeightTensor tokenEmbedding, float[] typeRow, WeightTensor positions, float[] embedNorm,
                      float[] embedNormBias, EncoderLayer[] layers) {

    static EncoderWeights load(WeightSource source, ModelConfig c, boolean vectorized) {
        ModelWeights.Loader l = new ModelWeights.Loader(source, vectorized);
        int width = c.embeddingLength();
        WeightTensor embedding = l.matrix("token_embd.weight", width, c.vocabSize());
        float[] typeRow = null;
        var types = source.tensor("token_types.weight");
        if (types.isPresent()) {
            WeightTensor t = l.matrix("token_types.weight", width, (int) types.get().dim(1));
            typeRow = new float[width];
            t.dequantizeRow(0, typeRow, 0);
        }
        WeightTensor positions = c.architecture() == Architecture.BERT
                ? l.matrix("position_embd.weight", width, c.contextLength()) : null;
        EncoderLayer[] layers = new EncoderLayer[c.blockCount()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = layer(l, source, c, "blk." + i + ".");
        }
        return new EncoderWeights(embedding, typeRow, positions, l.vector("token_embd_norm.weight", width),
                l.vector("token_embd_norm.bias", width), layers);
    }

    private static EncoderLayer layer(ModelWeights.Loader l, WeightSource source, ModelConfig c, String p) {
        int width = c.embeddingLength();
        int qw = c.queryWidth();
        int kw = c.keyWidth();
        int vw = c.valueWidth();
        int ff = c.feedForwardLength();
        WeightTensor[] qkv;
        float[][] qkvBias;
        if (source.tensor(p + "attn_qkv.weight").isPresent()) {
            qkv = l.splitRows(p + "attn_qkv.weight", width, qw, kw, vw);
            float[] fused = l.optionalVector(p + "attn_qkv.bias", qw + kw + vw);
            qkvBias = fused == null ? new float[3][] : new float[][] {Arrays.copyOfRange(fused, 0, qw),
                    Arrays.copyOfRange(fused, qw, qw + kw), Arrays.copyOfRange(fused, qw + kw, qw + kw + vw)};
        } else {
            qkv = new WeightTensor[] {l.matrix(p + "attn_q.weight", width, qw), l.matrix(p + "attn_k.weight", width, kw),
                    l.matrix(p + "attn_v.weight", width, vw)};
            qkvBias = new float[][] {l.optionalVector(p + "attn_q.bias", qw), l.optionalVector(p + "attn_k.bias", kw),
                    l.optionalVector(p + "attn_v.bias", vw)};
        }
        boolean gated = c.architecture() == Architecture.NOMIC_BERT;
        LayerWeights core = new LayerWeights(null, qkv[0], qkv[1], qkv[2],
                l.matrix(p + "attn_output.weight", qw, width),
                qkvBias[0], qkvBias[1], qkvBias[2], l.optionalVector(p + "attn_output.bias", width),
                null, null, null, null,
                gated ? l.matrix(p + "ffn_gate.weight", width, ff) : null,
                l.matrix(p + "ffn_up.weight", width, ff), l.matrix(p + "ffn_down.weight", ff, width),
                null, l.optionalVector(p + "ffn_up.bias", ff), l.optionalVector(p + "ffn_down.bias", width),
                null, null);
        return new EncoderLayer(core, l.vector(p + "attn_output_norm.weight", width),
                l.vector(p + "attn_output_norm.bias", width), l.vector(p + "layer_output_norm.weight", width),
                l.vector(p + "layer_output_norm.bias", width));
    }
}
