package dev.jllm.runtime.model;

import dev.jllm.runtime.tensor.WeightTensor;

/**
 * One transformer block. Matrices are {@code out x in} (a row per output); optional tensors are null
 * when the file has none: biases (qwen2 has q/k/v ones) and the per-head q/k norms (qwen3).
 */
record LayerWeights(
        float[] attnNorm,
        WeightTensor wq, WeightTensor wk, WeightTensor wv, WeightTensor wo,
        float[] bq, float[] bk, float[] bv, float[] bo,
        float[] qNorm, float[] kNorm,
        float[] ffnNorm,
        WeightTensor wGate, WeightTensor wUp, WeightTensor wDown,
        float[] bGate, float[] bUp, float[] bDown) {
}
