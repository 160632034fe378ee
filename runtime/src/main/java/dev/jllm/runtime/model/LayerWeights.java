package dev.jllm.runtime.model;

import dev.jllm.runtime.tensor.WeightTensor;

/**
 * One transformer block. Matrices are {@code out x in} (a row per output); optional tensors are null when the
 * file has none: biases (qwen2 has q/k/v ones), per-head q/k norms (qwen3, gemma3), the post-attention and
 * post-FFN norms (gemma). Fused tensors (phi3's {@code attn_qkv} and gate+up {@code ffn_up}) arrive split into
 * views of their row ranges, so every family reads the same fields. A MoE layer has {@code experts} and no
 * dense FFN matrices.
 */
record LayerWeights(
        float[] attnNorm,
        WeightTensor wq, WeightTensor wk, WeightTensor wv, WeightTensor wo,
        float[] bq, float[] bk, float[] bv, float[] bo,
        float[] qNorm, float[] kNorm,
        float[] attnPostNorm,
        float[] ffnNorm,
        WeightTensor wGate, WeightTensor wUp, WeightTensor wDown,
        float[] bGate, float[] bUp, float[] bDown,
        float[] ffnPostNorm,
        ExpertWeights experts) {
}
