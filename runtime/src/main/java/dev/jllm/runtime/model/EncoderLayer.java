package dev.jllm.runtime.model;

/**
 * One encoder block: the projections and their biases in a {@link LayerWeights} (so the shared q/k/v, output and
 * feed-forward ops read them), plus the two LayerNorms with biases that follow the attention and the FFN
 * ({@code attn_output_norm}, {@code layer_output_norm}).
 */
record EncoderLayer(LayerWeights core, float[] attnOutNorm, float[] attnOutNormBias, float[] outNorm,
                    float[] outNormBias) {
}
